using Microsoft.Win32.SafeHandles;

namespace MiniDocker.Interop;

/// <summary>Owns one Linux file descriptor and closes it exactly once.</summary>
internal sealed class SafeFd : SafeHandleZeroOrMinusOneIsInvalid
{
    public SafeFd() : base(ownsHandle: true)
    {
    }

    public SafeFd(int fd, bool ownsHandle = true) : base(ownsHandle) => SetHandle(fd);

    /// <summary>The descriptor number; valid only while the handle is alive.</summary>
    public int Fd => (int)handle;

    /// <summary>Wraps a syscall result, throwing the errno when it failed.</summary>
    public static SafeFd FromResult(int fd, string what)
    {
        if (fd < 0) throw Errno.Exception(what);
        return new SafeFd(fd);
    }

    protected override bool ReleaseHandle() => Tmds.Linux.LibC.close((int)handle) == 0;

    // fd 0 is a valid descriptor; only -1 means "none".
    public override bool IsInvalid => handle == new IntPtr(-1);
}
