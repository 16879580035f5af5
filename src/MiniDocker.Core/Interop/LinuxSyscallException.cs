using System.ComponentModel;

namespace MiniDocker.Interop;

/// <summary>A system call failed; the message names the call, its arguments and the kernel's answer.</summary>
public sealed class LinuxSyscallException : Win32Exception
{
    /// <summary>Creates the exception for <paramref name="errno"/>.</summary>
    public LinuxSyscallException(string message, int errno) : base(errno, message)
    {
    }

    /// <summary>The errno the kernel returned.</summary>
    public int Errno => NativeErrorCode;
}
