using System.Runtime.InteropServices;

namespace MiniDocker.Interop;

/// <summary>What Tmds.LibC lacks: posix_spawn, pidfds, waitid and a few raw syscalls.</summary>
internal static unsafe partial class Libc
{
    private const string LibraryName = "libc";

    // Syscall numbers from 424 up are shared by every architecture.
    private const long SYS_pidfd_send_signal = 424;
    private const long SYS_pidfd_open = 434;

    public const int P_PIDFD = 3;
    public const int WEXITED = 4;
    public const int WNOHANG = 1;
    public const int CLD_EXITED = 1, CLD_KILLED = 2, CLD_DUMPED = 3;
    public const short POSIX_SPAWN_SETSIGDEF = 0x04, POSIX_SPAWN_SETSIGMASK = 0x08;

    // glibc's posix_spawn_file_actions_t is 80 bytes and posix_spawnattr_t 336 on
    // 64-bit targets; the buffers are larger so a libc that grows them stays safe.
    public const int SpawnFileActionsSize = 256;
    public const int SpawnAttrSize = 512;
    public const int SigSetSize = 128;

    [LibraryImport(LibraryName, EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, long a1, long a2, long a3, long a4);

    [LibraryImport(LibraryName, EntryPoint = "posix_spawn")]
    public static partial int PosixSpawn(out int pid, byte* path, void* fileActions, void* attr, byte** argv, byte** envp);

    [LibraryImport(LibraryName, EntryPoint = "posix_spawn_file_actions_init")]
    public static partial int PosixSpawnFileActionsInit(void* fileActions);

    [LibraryImport(LibraryName, EntryPoint = "posix_spawn_file_actions_destroy")]
    public static partial int PosixSpawnFileActionsDestroy(void* fileActions);

    [LibraryImport(LibraryName, EntryPoint = "posix_spawn_file_actions_adddup2")]
    public static partial int PosixSpawnFileActionsAddDup2(void* fileActions, int fd, int newFd);

    [LibraryImport(LibraryName, EntryPoint = "posix_spawnattr_init")]
    public static partial int PosixSpawnAttrInit(void* attr);

    [LibraryImport(LibraryName, EntryPoint = "posix_spawnattr_destroy")]
    public static partial int PosixSpawnAttrDestroy(void* attr);

    [LibraryImport(LibraryName, EntryPoint = "posix_spawnattr_setflags")]
    public static partial int PosixSpawnAttrSetFlags(void* attr, short flags);

    [LibraryImport(LibraryName, EntryPoint = "posix_spawnattr_setsigdefault")]
    public static partial int PosixSpawnAttrSetSigDefault(void* attr, void* sigset);

    [LibraryImport(LibraryName, EntryPoint = "posix_spawnattr_setsigmask")]
    public static partial int PosixSpawnAttrSetSigMask(void* attr, void* sigset);

    [LibraryImport(LibraryName, EntryPoint = "getrlimit", SetLastError = true)]
    public static partial int GetRlimit(int resource, out RLimit limit);

    [LibraryImport(LibraryName, EntryPoint = "open", SetLastError = true)]
    public static partial int Open(byte* path, int flags, uint mode);

    [LibraryImport(LibraryName, EntryPoint = "waitid", SetLastError = true)]
    public static partial int WaitId(int idType, int id, SigInfo* info, int options);

    [LibraryImport(LibraryName, EntryPoint = "waitpid", SetLastError = true)]
    public static partial int WaitPid(int pid, int* status, int options);

    [LibraryImport(LibraryName, EntryPoint = "syscall", SetLastError = true)]
    private static partial long SyscallRaw(long number, nint a1, nint a2, nint a3, nint a4, nint a5);

    /// <summary>A raw syscall with up to five arguments (numbers from 424 up are the same on every architecture).</summary>
    public static long Syscall6(long number, nint a1, nint a2, nint a3, nint a4, nint a5)
    {
        Marshal.SetLastPInvokeError(0);
        return SyscallRaw(number, a1, a2, a3, a4, a5);
    }

    public static int PidfdOpen(int pid)
    {
        Marshal.SetLastPInvokeError(0);
        return (int)Syscall(SYS_pidfd_open, pid, 0, 0, 0);
    }

    public static int PidfdSendSignal(SafeFd pidfd, int signal)
    {
        Marshal.SetLastPInvokeError(0);
        return (int)Syscall(SYS_pidfd_send_signal, pidfd.Fd, signal, 0, 0);
    }

    /// <summary>struct rlimit.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct RLimit
    {
        public ulong Current;
        public ulong Max;
    }

    /// <summary>The SIGCHLD view of siginfo_t: the three leading ints, padding, then pid, uid, status.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 128)]
    public struct SigInfo
    {
        [FieldOffset(0)] public int Signo;
        [FieldOffset(8)] public int Code;
        [FieldOffset(16)] public int Pid;
        [FieldOffset(20)] public uint Uid;
        [FieldOffset(24)] public int Status;
    }
}
