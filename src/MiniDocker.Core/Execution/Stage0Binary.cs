using System.Runtime.InteropServices;
using MiniDocker.Interop;
using Tmds.Linux;

namespace MiniDocker.Execution;

/// <summary>
/// The stage-0 program, loaded once into a sealed memfd and executed from there. A container
/// that opens <c>/proc/&lt;pid&gt;/exe</c> of its init for writing gets EPERM instead of a way
/// to overwrite the binary the host runs next (CVE-2019-5736).
/// </summary>
internal sealed unsafe class Stage0Binary
{
    public const string FileName = "minidocker-stage0";
    public const string PathVariable = "MINIDOCKER_STAGE0";

    private const uint MFD_CLOEXEC = 1, MFD_ALLOW_SEALING = 2, MFD_EXEC = 0x10;
    private const int F_ADD_SEALS = 1033, F_DUPFD_CLOEXEC = 1030, MinimumFd = 16;
    private const int F_SEAL_SEAL = 1, F_SEAL_SHRINK = 2, F_SEAL_GROW = 4, F_SEAL_WRITE = 8;

    private static readonly Lazy<Stage0Binary> LazyShared = new(() => Load(Locate()));

    private readonly SafeFd _memfd;

    private Stage0Binary(SafeFd memfd, string source)
    {
        _memfd = memfd;
        Source = source;
        ExecPath = $"/proc/self/fd/{memfd.Fd}";
    }

    public static Stage0Binary Shared => LazyShared.Value;

    /// <summary>The file the binary was read from.</summary>
    public string Source { get; }

    /// <summary>The memfd's number in this process.</summary>
    public int Fd => _memfd.Fd;

    /// <summary>The path posix_spawn executes: the memfd, seen from the spawned process itself.</summary>
    public string ExecPath { get; }

    internal static string Locate()
    {
        if (Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } overridden)
            return File.Exists(overridden)
                ? overridden
                : throw new FileNotFoundException($"{PathVariable} names {overridden}, which does not exist.", overridden);

        var rid = $"linux-{RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant()}";
        var directory = AppContext.BaseDirectory;
        var candidates = new[] { Path.Combine(directory, "runtimes", rid, "native", FileName), Path.Combine(directory, FileName) };
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException(
                $"The native stage-0 ({FileName}) is missing; looked in {string.Join(", ", candidates)}. "
                + $"It is built with the MiniDocker.Core project (a C compiler is needed) and shipped in its package under runtimes/{rid}/native/; "
                + $"set {PathVariable} to use another copy.");
    }

    private static Stage0Binary Load(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var name = "minidocker-stage0\0"u8;
        int fd;
        fixed (byte* n = name)
        {
            // MFD_EXEC keeps the memfd executable where vm.memfd_noexec would seal it
            // otherwise; kernels before 6.3 do not know the flag and say EINVAL.
            fd = LibC.memfd_create(n, MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
            if (fd < 0 && Errno.Last == Errno.EINVAL)
                fd = LibC.memfd_create(n, MFD_CLOEXEC | MFD_ALLOW_SEALING);
        }
        if (fd is >= 0 and < MinimumFd)
        {
            // Keep the memfd clear of the fds 0-4 that posix_spawn's dup2s overwrite in the child.
            int high = LibC.fcntl(fd, F_DUPFD_CLOEXEC, MinimumFd);
            _ = LibC.close(fd);
            fd = high;
        }
        var memfd = SafeFd.FromResult(fd, "memfd_create(\"minidocker-stage0\")");
        fixed (byte* b = bytes)
        {
            for (int written = 0; written < bytes.Length;)
            {
                long n = LibC.write(fd, b + written, (size_t)(bytes.Length - written));
                if (n < 0) throw Errno.Exception("write(stage-0 memfd)");
                written += (int)n;
            }
        }
        if (LibC.fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0)
            throw Errno.Exception("fcntl(stage-0 memfd, F_ADD_SEALS)");
        return new Stage0Binary(memfd, path);
    }
}
