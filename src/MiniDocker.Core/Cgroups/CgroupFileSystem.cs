using System.Text;
using MiniDocker.Interop;
using Tmds.Linux;

namespace MiniDocker.Cgroups;

/// <summary>The real cgroupfs, through plain syscalls so that the kernel's errno reaches the error message.</summary>
internal sealed unsafe class CgroupFileSystem : ICgroupFileSystem
{
    public static CgroupFileSystem Instance { get; } = new();

    public bool FileExists(string path) => File.Exists(path);

    public bool DirectoryExists(string path) => Directory.Exists(path);

    public string ReadFile(string path)
    {
        try
        {
            return IO.SmallFile.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            // ENOENT and ENODEV are how a caller learns that another engine removed the (empty) parent it was building in.
            throw new CgroupException($"Reading {path} failed: {e.Message}", Errno.ENOENT, e);
        }
        catch (IOException e) when (e.HResult == Errno.ENODEV)
        {
            throw new CgroupException($"Reading {path} failed: {e.Message}", Errno.ENODEV, e);
        }
        catch (IOException e)
        {
            throw new CgroupException($"Reading {path} failed: {e.Message}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new CgroupException($"Reading {path} failed: {e.Message}; managing cgroups needs root or a delegated cgroup.", e);
        }
    }

    public void WriteFile(string path, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        var name = Encoding.UTF8.GetBytes(path + "\0");
        int fd;
        fixed (byte* p = name)
            fd = Libc.Open(p, LibC.O_WRONLY | LibC.O_CLOEXEC, 0);
        if (fd < 0) throw Failure(path, value, Errno.Last);
        try
        {
            long written;
            fixed (byte* b = bytes)
                written = LibC.write(fd, b, (size_t)bytes.Length);
            if (written < 0) throw Failure(path, value, Errno.Last);
        }
        finally
        {
            _ = LibC.close(fd);
        }
    }

    public void CreateDirectory(string path)
    {
        var name = Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = name)
        {
            if (LibC.mkdir(p, 0x1ed /* 0755 */) == 0) return;
        }
        int errno = Errno.Last;
        if (errno == Errno.EEXIST) return;
        throw new CgroupException($"Creating the cgroup {path} failed: {Errno.Describe(errno)}.{Hint(errno)}", errno);
    }

    public bool RemoveDirectory(string path)
    {
        var name = Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = name)
        {
            if (LibC.rmdir(p) == 0) return true;
        }
        int errno = Errno.Last;
        if (errno is Errno.EBUSY or Errno.ENOTEMPTY) return false;
        if (errno == Errno.ENOENT) return true;
        throw new CgroupException($"Removing the cgroup {path} failed: {Errno.Describe(errno)}.", errno);
    }

    public IEnumerable<string> ListDirectories(string path) =>
        Directory.Exists(path) ? Directory.EnumerateDirectories(path) : [];

    public DateTimeOffset CreationTime(string path) => Directory.GetLastWriteTimeUtc(path);

    internal static CgroupException Failure(string path, string value, int errno) =>
        new($"Writing \"{value.TrimEnd()}\" to {path} failed: {Errno.Describe(errno)}.{Hint(errno)}", errno);

    private static string Hint(int errno) => errno switch
    {
        Errno.EACCES or Errno.EPERM => " Managing cgroups needs root, or a cgroup delegated to this user.",
        Errno.EBUSY => " The kernel could not apply it now (a memory limit below what is in use, or a cgroup with processes where none are allowed).",
        Errno.EINVAL => " The kernel does not accept this value for this file.",
        Errno.ENOSPC => " A cpuset or pid limit leaves no room, or the hierarchy is too deep.",
        Errno.EOPNOTSUPP => " The controller is not enabled for this cgroup.",
        _ => "",
    };
}
