namespace MiniDocker.Networking.Netlink;

/// <summary>The kernel refused a netlink request; the message says what was asked and why it was refused.</summary>
public sealed class NetlinkException : Exception
{
    /// <summary>Creates the exception.</summary>
    public NetlinkException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public NetlinkException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public NetlinkException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a refused request.</summary>
    public NetlinkException(string message, int errno) : base(message) => Errno = errno;

    /// <summary>The errno the kernel returned.</summary>
    public int Errno { get; }
}
