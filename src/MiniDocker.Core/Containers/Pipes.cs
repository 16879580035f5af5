using MiniDocker.Interop;
using Tmds.Linux;

namespace MiniDocker.Containers;

/// <summary>pipe2(2) with both ends close-on-exec; stage-0 receives the read end by dup2.</summary>
internal static unsafe class Pipes
{
    public static (SafeFd Read, SafeFd Write) Create()
    {
        int* fds = stackalloc int[2];
        if (LibC.pipe2(fds, LibC.O_CLOEXEC) < 0) throw Errno.Exception("pipe2(O_CLOEXEC)");
        return (new SafeFd(fds[0]), new SafeFd(fds[1]));
    }
}
