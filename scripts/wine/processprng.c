/*
 * Test-only shim for running Go programs under Wine 8 (Debian 12).
 *
 * Go 1.24 and newer fill their random numbers with ProcessPrng from
 * bcryptprimitives.dll, which Windows 10 and 11 have and Wine 8 lacks. This
 * DLL, copied into a Wine prefix's system32 by scripts/wine-prefix, provides
 * ProcessPrng on top of RtlGenRandom (advapi32's SystemFunction036), which
 * Wine has. It is never shipped: real Windows has the real DLL.
 */
#include <windows.h>

typedef BOOLEAN (WINAPI *rtlGenRandom)(PVOID, ULONG);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
	HMODULE advapi = LoadLibraryA("advapi32.dll");
	rtlGenRandom gen;
	if (advapi == NULL)
		return FALSE;
	gen = (rtlGenRandom)(void *)GetProcAddress(advapi, "SystemFunction036");
	if (gen == NULL)
		return FALSE;
	while (len > 0) {
		ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
		if (!gen(data, n))
			return FALSE;
		data += n;
		len -= n;
	}
	return TRUE;
}
