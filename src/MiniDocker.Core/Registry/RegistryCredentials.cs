namespace MiniDocker.Registry;

/// <summary>A user name and password (or token) for a registry.</summary>
/// <param name="Username">The user name.</param>
/// <param name="Password">The password or personal access token.</param>
public sealed record RegistryCredentials(string Username, string Password)
{
    /// <summary>Hides the password from logs and exception messages.</summary>
    public override string ToString() => $"RegistryCredentials {{ Username = {Username}, Password = *** }}";
}
