namespace MiniDocker.Networking.Firewall;

/// <summary>Firewall rules could not be applied; the message carries nftables' own explanation.</summary>
public sealed class FirewallException : Exception
{
    /// <summary>Creates the exception.</summary>
    public FirewallException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public FirewallException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public FirewallException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
