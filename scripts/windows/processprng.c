/*
 * TEST-ONLY shim for running lexguard's Windows test binaries under Wine 8 (Debian 12).
 *
 * Rust's standard library asks bcryptprimitives.dll for ProcessPrng at start-up; Windows 10
 * and later have it, Wine 8 does not, so every Rust program exits at once (code 53, no
 * output). scripts/test-windows builds this file into a bcryptprimitives.dll and puts it next
 * to the test binaries only (target/.../x86_64-pc-windows-gnu/debug{,/deps}). It is never
 * shipped: release builds run on real Windows, which has the real DLL.
 *
 * ProcessPrng fills the buffer from the system's random source (RtlGenRandom, exported by
 * advapi32 as SystemFunction036), which Wine implements.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x40000000 ? 0x40000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
