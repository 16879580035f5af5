namespace MiniDocker.Cgroups;

/// <summary>A cgroup operation failed; the message names the file, the value written and the kernel's answer.</summary>
public sealed class CgroupException : MiniDockerException
{
    /// <summary>Creates the exception.</summary>
    public CgroupException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public CgroupException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public CgroupException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a failed file operation.</summary>
    public CgroupException(string message, int errno) : base(message) => Errno = errno;

    /// <summary>Creates the exception for a failed file operation, keeping its cause.</summary>
    public CgroupException(string message, int errno, Exception innerException) : base(message, innerException) => Errno = errno;

    /// <summary>The errno the kernel returned, or 0.</summary>
    public int Errno { get; }
}
