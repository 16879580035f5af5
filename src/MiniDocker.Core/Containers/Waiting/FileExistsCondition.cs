using MiniDocker.Interop;

namespace MiniDocker.Containers.Waiting;

/// <summary>
/// A path exists in the container's filesystem: resolved with <c>openat2(RESOLVE_IN_ROOT)</c> from
/// <c>/proc/&lt;pid&gt;/root</c>, so its symlinks resolve inside the container, as they do for its processes.
/// </summary>
internal sealed unsafe class FileExistsCondition(string path) : IWaitCondition
{
    public string Description => $"{path} to exist";

    public ValueTask<bool> IsReadyAsync(Container container, CancellationToken cancellationToken)
    {
        var rootPath = System.Text.Encoding.UTF8.GetBytes($"/proc/{container.Pid}/root\0");
        int root;
        fixed (byte* p = rootPath) root = Tmds.Linux.LibC.open(p, FileCalls.O_PATH | FileCalls.O_DIRECTORY | FileCalls.O_CLOEXEC, 0);
        if (root < 0) return ValueTask.FromResult(false);
        using var rootFd = new SafeFd(root);
        var how = new FileCalls.OpenHow { Flags = (ulong)(FileCalls.O_PATH | FileCalls.O_CLOEXEC), Resolve = FileCalls.RESOLVE_IN_ROOT | FileCalls.RESOLVE_NO_MAGICLINKS };
        var relative = System.Text.Encoding.UTF8.GetBytes(path.TrimStart('/') + "\0");
        int fd;
        fixed (byte* p = relative) fd = FileCalls.OpenAt2(rootFd.Fd, p, &how);
        using var found = fd < 0 ? null : new SafeFd(fd);
        return ValueTask.FromResult(found is not null);
    }
}
