namespace MiniDocker.Registry;

/// <summary>A registry wanted credentials that were missing, or refused the ones given.</summary>
public sealed class RegistryAuthenticationException : RegistryException
{
    /// <summary>Creates the exception.</summary>
    public RegistryAuthenticationException(string message) : base(message)
    {
    }
}
