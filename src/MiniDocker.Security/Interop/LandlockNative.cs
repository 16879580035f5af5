using System.Runtime.InteropServices;

namespace MiniDocker.Security.Interop;

/// <summary>landlock_create_ruleset(2); the same number on every architecture.</summary>
internal static partial class LandlockNative
{
    private const long SYS_landlock_create_ruleset = 444;
    private const uint LANDLOCK_CREATE_RULESET_VERSION = 1;

    public static int AbiVersion()
    {
        long version = Syscall(SYS_landlock_create_ruleset, 0, 0, LANDLOCK_CREATE_RULESET_VERSION);
        return version > 0 ? (int)version : 0;
    }

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, nint attr, nuint size, uint flags);
}
