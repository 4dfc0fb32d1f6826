package ui

import (
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"safeinvoice/app"
)

// logoPicker shows the business logo with Choose… and Remove buttons. An
// image that is not a PNG or JPEG, or too large, is refused when chosen.
type logoPicker struct {
	u    *UI
	data []byte
	view *fyne.Container
	// object is the picker to put in a form.
	object fyne.CanvasObject
}

func newLogoPicker(u *UI, data []byte) *logoPicker {
	p := &logoPicker{u: u, data: data, view: container.NewStack()}
	choose := u.button("Choose…", theme.FileImageIcon(), func() { u.openDialog(p.load) })
	remove := u.button("Remove", theme.DeleteIcon(), func() { p.data = nil; p.show() })
	p.object = container.NewBorder(nil, nil, nil, container.NewHBox(choose, remove), p.view)
	p.show()
	return p
}

// load reads the image at path.
func (p *logoPicker) load(path string) {
	data, err := os.ReadFile(path)
	if err == nil {
		err = app.CheckLogo(data)
	}
	if err != nil {
		p.u.showError(err)
		return
	}
	p.data = data
	p.show()
}

func (p *logoPicker) show() {
	p.view.RemoveAll()
	if len(p.data) == 0 {
		l := widget.NewLabel("No logo")
		l.Importance = widget.LowImportance
		p.view.Add(l)
		return
	}
	img := canvas.NewImageFromResource(fyne.NewStaticResource("logo", p.data))
	img.FillMode = canvas.ImageFillContain
	img.SetMinSize(fyne.NewSize(160, 60))
	p.view.Add(img)
}
