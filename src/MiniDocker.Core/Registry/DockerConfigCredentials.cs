using System.Text;
using System.Text.Json;

namespace MiniDocker.Registry;

/// <summary>
/// Reads credentials from a Docker CLI config file (<c>~/.docker/config.json</c>): the
/// <c>auths</c> section, keyed by registry host or by URL (<c>https://index.docker.io/v1/</c> for Docker Hub),
/// each with <c>auth</c> (base64 of user:password) or <c>username</c> and <c>password</c>.
/// Credential helpers (<c>credsStore</c>) are not run.
/// </summary>
internal static class DockerConfigCredentials
{
    public static RegistryCredentials? Find(string? configPath, string registry)
    {
        if (configPath is null || !File.Exists(configPath)) return null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(configPath));
        }
        catch (JsonException e)
        {
            throw new RegistryException($"The Docker config file {configPath} is not valid JSON ({e.Message}); fix it or set RegistryOptions.DockerConfigPath to null.", e);
        }
        using (document)
        {
            if (!document.RootElement.TryGetProperty("auths", out var auths) || auths.ValueKind != JsonValueKind.Object) return null;
            foreach (var entry in auths.EnumerateObject())
            {
                if (!string.Equals(HostOf(entry.Name), HostOf(registry), StringComparison.OrdinalIgnoreCase)) continue;
                if (entry.Value.TryGetProperty("auth", out var auth) && auth.GetString() is { Length: > 0 } encoded)
                {
                    var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
                    var colon = decoded.IndexOf(':');
                    if (colon > 0) return new RegistryCredentials(decoded[..colon], decoded[(colon + 1)..]);
                }
                if (entry.Value.TryGetProperty("username", out var user) && entry.Value.TryGetProperty("password", out var password))
                    return new RegistryCredentials(user.GetString() ?? "", password.GetString() ?? "");
            }
        }
        return null;
    }

    /// <summary>"https://index.docker.io/v1/" and "docker.io" name the same registry; "host:5000/" and "host:5000" too.</summary>
    private static string HostOf(string key)
    {
        var host = key;
        if (Uri.TryCreate(key, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https") host = uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}";
        host = host.TrimEnd('/');
        return host is "index.docker.io" or "registry-1.docker.io" or "registry.hub.docker.com" ? "docker.io" : host;
    }
}
