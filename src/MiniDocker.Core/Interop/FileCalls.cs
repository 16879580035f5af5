using System.Runtime.InteropServices;

namespace MiniDocker.Interop;

/// <summary>The *at file calls, extended attributes, statx and the new mount API that Tmds.LibC lacks.</summary>
internal static unsafe partial class FileCalls
{
    private const string LibraryName = "libc";
    private const long SYS_openat2 = 437, SYS_fsopen = 430, SYS_fsconfig = 431, SYS_fsmount = 432;

    public const int AT_FDCWD = -100;
    public const int AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200, AT_EMPTY_PATH = 0x1000;
    public const ulong RESOLVE_NO_MAGICLINKS = 0x02, RESOLVE_NO_SYMLINKS = 0x04, RESOLVE_BENEATH = 0x08, RESOLVE_IN_ROOT = 0x10;
    public const int O_PATH = 0x200000, O_DIRECTORY = 0x10000, O_NOFOLLOW = 0x20000, O_CLOEXEC = 0x80000;
    public const uint S_IFMT = 0xF000, S_IFDIR = 0x4000, S_IFREG = 0x8000, S_IFLNK = 0xA000, S_IFCHR = 0x2000,
        S_IFBLK = 0x6000, S_IFIFO = 0x1000;
    public const uint FSCONFIG_SET_FLAG = 0, FSCONFIG_SET_STRING = 1, FSCONFIG_CMD_CREATE = 6;
    public const uint FSOPEN_CLOEXEC = 1, FSMOUNT_CLOEXEC = 1;
    public const int XATTR_CREATE = 1;

    /// <summary>struct open_how.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct OpenHow
    {
        public ulong Flags;
        public ulong Mode;
        public ulong Resolve;
    }

    /// <summary>The leading fields of struct statx that the engine reads.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    public struct Statx
    {
        [FieldOffset(0)] public uint Mask;
        [FieldOffset(16)] public uint Nlink;
        [FieldOffset(20)] public uint Uid;
        [FieldOffset(24)] public uint Gid;
        [FieldOffset(28)] public ushort Mode;
        [FieldOffset(32)] public ulong Ino;
        [FieldOffset(40)] public ulong Size;
        [FieldOffset(96)] public long MtimeSeconds;
        [FieldOffset(104)] public uint MtimeNanoseconds;
        [FieldOffset(128)] public uint RdevMajor;
        [FieldOffset(132)] public uint RdevMinor;
        [FieldOffset(136)] public uint DevMajor;
        [FieldOffset(140)] public uint DevMinor;
    }

    [LibraryImport(LibraryName, EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, nint a1, nint a2, nint a3, nint a4, nint a5);

    public static int OpenAt2(int dirfd, byte* path, OpenHow* how)
    {
        Marshal.SetLastPInvokeError(0);
        return (int)Syscall(SYS_openat2, dirfd, (nint)path, (nint)how, sizeof(OpenHow), 0);
    }

    public static int FsOpen(byte* fsType, uint flags) => (int)Syscall(SYS_fsopen, (nint)fsType, (nint)flags, 0, 0, 0);

    public static int FsConfig(int fd, uint command, byte* key, byte* value, int aux) =>
        (int)Syscall(SYS_fsconfig, fd, (nint)command, (nint)key, (nint)value, aux);

    public static int FsMount(int fd, uint flags, uint attributes) => (int)Syscall(SYS_fsmount, fd, (nint)flags, (nint)attributes, 0, 0);

    [LibraryImport(LibraryName, EntryPoint = "mknodat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MknodAt(int dirfd, string path, uint mode, ulong dev);

    [LibraryImport(LibraryName, EntryPoint = "linkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LinkAt(int olddirfd, string oldpath, int newdirfd, string newpath, int flags);

    [LibraryImport(LibraryName, EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int StatX(int dirfd, string path, int flags, uint mask, Statx* buffer);

    [LibraryImport(LibraryName, EntryPoint = "fsetxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int FSetXattr(int fd, string name, byte* value, nuint size, int flags);

    [LibraryImport(LibraryName, EntryPoint = "lgetxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint LGetXattr(string path, string name, byte* value, nuint size);

    [LibraryImport(LibraryName, EntryPoint = "flock", SetLastError = true)]
    private static partial int Flock(int fd, int operation);

    // Tmds.LibC's *at calls take byte*; these pin a NUL-terminated UTF-8 copy for the call.
    public static int MkdirAt(SafeFd dir, string name, uint mode) { fixed (byte* p = Z(name)) return Tmds.Linux.LibC.mkdirat(dir.Fd, p, (Tmds.Linux.mode_t)mode); }
    public static int SymlinkAt(string target, SafeFd dir, string name) { fixed (byte* t = Z(target)) fixed (byte* p = Z(name)) return Tmds.Linux.LibC.symlinkat(t, dir.Fd, p); }
    public static int ChownAt(SafeFd dir, string name, uint uid, uint gid) { fixed (byte* p = Z(name)) return Tmds.Linux.LibC.fchownat(dir.Fd, p, uid, gid, AT_SYMLINK_NOFOLLOW); }
    public static int ChmodAt(SafeFd dir, string name, uint mode) { fixed (byte* p = Z(name)) return Tmds.Linux.LibC.fchmodat(dir.Fd, p, (Tmds.Linux.mode_t)mode, 0); }
    public static int OpenAt(SafeFd dir, string name, int flags, uint mode) { fixed (byte* p = Z(name)) return Tmds.Linux.LibC.openat(dir.Fd, p, flags | O_CLOEXEC, (Tmds.Linux.mode_t)mode); }
    public static int UnlinkAt(SafeFd dir, string name, int flags) { fixed (byte* p = Z(name)) return Tmds.Linux.LibC.unlinkat(dir.Fd, p, flags); }
    public static int MknodAt(SafeFd dir, string name, uint mode, ulong device) => MknodAt(dir.Fd, name, mode, device);
    public static int LinkAt(SafeFd fromDir, string from, SafeFd toDir, string to) => LinkAt(fromDir.Fd, from, toDir.Fd, to, 0);
    public static int SetXattr(SafeFd fd, string name, ReadOnlySpan<byte> value) { fixed (byte* v = value) return FSetXattr(fd.Fd, name, v, (nuint)value.Length, 0); }
    public static int Lock(SafeFd fd, int operation) => Flock(fd.Fd, operation);

    /// <summary>Sets a name's access and modification time to <paramref name="seconds"/>, not following a symlink.</summary>
    public static int SetTimes(SafeFd dir, string name, long seconds)
    {
        var times = stackalloc Tmds.Linux.timespec[2];
        times[0].tv_sec = seconds;
        times[1].tv_sec = seconds;
        fixed (byte* p = Z(name)) return Tmds.Linux.LibC.utimensat(dir.Fd, p, times, AT_SYMLINK_NOFOLLOW);
    }

    /// <summary>What a name is, not following a symlink; null when it does not exist.</summary>
    public static Statx? Stat(SafeFd dir, string name)
    {
        Statx st;
        if (StatX(dir.Fd, name, AT_SYMLINK_NOFOLLOW, 0x7ff, &st) == 0) return st;
        if (Marshal.GetLastPInvokeError() == Errno.ENOENT) return null;
        throw Errno.Exception($"statx(\"{name}\")");
    }

    /// <summary>The inode an open file handle refers to.</summary>
    public static ulong InodeOf(System.Runtime.InteropServices.SafeHandle file)
    {
        Statx st;
        bool added = false;
        file.DangerousAddRef(ref added);
        try
        {
            if (StatX((int)file.DangerousGetHandle(), "", AT_EMPTY_PATH, 0x100 /* STATX_INO */, &st) != 0) throw Errno.Exception("statx(fd)");
            return st.Ino;
        }
        finally
        {
            if (added) file.DangerousRelease();
        }
    }

    /// <summary>The inode of a path (following symlinks), or null when it does not exist.</summary>
    public static ulong? InodeOf(string path)
    {
        Statx st;
        return StatX(AT_FDCWD, path, 0, 0x100, &st) == 0 ? st.Ino : null;
    }

    /// <summary>An extended attribute of a path (not following a final symlink); null when it has none.</summary>
    public static byte[]? GetXattr(string path, string name)
    {
        Span<byte> buffer = stackalloc byte[256];
        nint size;
        fixed (byte* b = buffer) size = LGetXattr(path, name, b, (nuint)buffer.Length);
        return size < 0 ? null : buffer[..(int)size].ToArray();
    }

    private static byte[] Z(string text) => System.Text.Encoding.UTF8.GetBytes(text + "\0");

    public static ulong MakeDev(uint major, uint minor) =>
        ((ulong)(major & 0xfffff000) << 32) | ((ulong)(major & 0xfff) << 8) | ((ulong)(minor & 0xffffff00) << 12) | (minor & 0xff);
}
