using System.Text;
using MiniDocker.Interop;
using static MiniDocker.Interop.FileCalls;

namespace MiniDocker.Layers;

/// <summary>
/// A directory that paths are resolved beneath by the kernel (<c>openat2</c> with
/// <c>RESOLVE_BENEATH</c>): a path that would leave it, through <c>..</c>, an absolute symlink or
/// a symlink climbing out, fails with EXDEV instead of reaching the host. Each operation then
/// works on the last component through the parent's descriptor, never following a symlink there.
/// </summary>
internal sealed unsafe class RootedDirectory : IDisposable
{
    private const ulong Resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;

    private RootedDirectory(SafeFd fd, string path)
    {
        Handle = fd;
        Path = path;
    }

    public SafeFd Handle { get; }

    public string Path { get; }

    public static RootedDirectory Open(string path)
    {
        var bytes = Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = bytes)
            return new RootedDirectory(
                SafeFd.FromResult(Tmds.Linux.LibC.open(p, O_PATH | O_DIRECTORY | O_CLOEXEC, 0), $"open(\"{path}\")"), path);
    }

    /// <summary>Opens a directory beneath the root (O_PATH), creating missing ones with mode 0755 when asked.</summary>
    /// <returns>The descriptor, or the errno (EXDEV when the path leads outside, ENOENT, ENOTDIR...).</returns>
    public (SafeFd? Fd, int Errno) OpenDirectory(string relative, bool create)
    {
        if (relative.Length == 0) return (Duplicate(), 0);
        var (fd, errno) = TryOpen(relative, O_PATH | O_DIRECTORY);
        if (fd is not null || errno != Errno.ENOENT || !create) return (fd, errno);

        // Tar may list a file before its directories: create them one component at a time,
        // each resolved beneath the root again.
        var (parent, leaf) = LayerPath.Split(relative);
        var (parentFd, parentErrno) = OpenDirectory(parent, create: true);
        if (parentFd is null) return (null, parentErrno);
        using (parentFd)
        {
            if (MkdirAt(parentFd, leaf, 0x1ed) != 0 && Errno.Last != Errno.EEXIST) return (null, Errno.Last);
        }
        return TryOpen(relative, O_PATH | O_DIRECTORY);
    }

    public (SafeFd? Fd, int Errno) TryOpen(string relative, int flags, uint mode = 0)
    {
        var how = new OpenHow { Flags = (ulong)(flags | O_CLOEXEC), Mode = mode, Resolve = Resolve };
        var bytes = Encoding.UTF8.GetBytes((relative.Length == 0 ? "." : relative) + "\0");
        fixed (byte* p = bytes)
        {
            int fd = OpenAt2(Handle.Fd, p, &how);
            return fd < 0 ? (null, Errno.Last) : (new SafeFd(fd), 0);
        }
    }

    private SafeFd Duplicate()
    {
        var dot = "."u8.ToArray().Append((byte)0).ToArray();
        fixed (byte* p = dot)
            return SafeFd.FromResult(Tmds.Linux.LibC.openat(Handle.Fd, p, O_PATH | O_DIRECTORY | O_CLOEXEC, 0), "openat(\".\")");
    }

    /// <summary>
    /// Removes a name from a directory: a file or link is unlinked, a directory removed with
    /// everything in it (symlinks inside are removed, never followed).
    /// </summary>
    public static void Remove(SafeFd directory, string name)
    {
        var st = FileCalls.Stat(directory, name);
        if (st is null) return;
        if ((st.Value.Mode & S_IFMT) == S_IFDIR)
        {
            // The magic link pins the directory the descriptor names; Directory.Delete does not
            // follow symlinks it meets inside.
            Directory.Delete($"/proc/self/fd/{directory.Fd}/{name}", recursive: true);
            return;
        }
        if (UnlinkAt(directory, name, 0) != 0 && Errno.Last != Errno.ENOENT)
            throw Errno.Exception($"unlinkat(\"{name}\")");
    }

    public void Dispose() => Handle.Dispose();
}
