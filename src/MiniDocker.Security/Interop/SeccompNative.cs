using System.Runtime.InteropServices;

namespace MiniDocker.Security.Interop;

/// <summary>prctl and seccomp(2), which Tmds.LibC does not bind.</summary>
internal static unsafe partial class SeccompNative
{
    public const int PR_SET_NO_NEW_PRIVS = 38;
    public const uint SECCOMP_SET_MODE_FILTER = 1;
    public const uint SECCOMP_FILTER_FLAG_TSYNC = 1;

    [LibraryImport("libc", EntryPoint = "prctl", SetLastError = true)]
    public static partial int Prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    public static partial long Syscall(long number, nuint arg1, nuint arg2, void* arg3);

    /// <summary>struct sock_fprog.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct SockFprog
    {
        public ushort Length;
        public void* Filter;
    }
}
