using MiniDocker.Images;

namespace MiniDocker.Registry;

/// <summary>How the engine talks to registries.</summary>
public sealed class RegistryOptions
{
    /// <summary>The platform to pick from multi-platform images; this host's by default.</summary>
    public Platform Platform { get; set; } = Platform.Current;

    /// <summary>
    /// Registries (<c>host:port</c>) spoken to over plain HTTP. Loopback registries (127.0.0.0/8,
    /// ::1, localhost) always are, as Docker treats them; every other registry must use HTTPS.
    /// </summary>
    public ICollection<string> InsecureRegistries { get; } = new List<string>();

    /// <summary>Credentials by registry host; these win over the Docker config file.</summary>
    public IDictionary<string, RegistryCredentials> Credentials { get; } = new Dictionary<string, RegistryCredentials>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The Docker CLI config file whose <c>auths</c> are read for credentials:
    /// <c>$DOCKER_CONFIG/config.json</c>, else <c>~/.docker/config.json</c>. Null reads none.
    /// </summary>
    public string? DockerConfigPath { get; set; } = DefaultDockerConfigPath();

    /// <summary>How many layers download at once.</summary>
    public int MaxConcurrentDownloads { get; set; } = 3;

    /// <summary>How many times a request that failed for a transient reason (a dropped connection, 5xx, 429) is tried again.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The wait before the first retry; it doubles with each one.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Blobs larger than this are pushed in chunks of this size; smaller ones in one request.</summary>
    public int PushChunkBytes { get; set; } = 8 << 20;

    /// <summary>How long one request may take before it counts as failed (and is retried).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(5);

    private static string? DefaultDockerConfigPath()
    {
        var directory = Environment.GetEnvironmentVariable("DOCKER_CONFIG");
        if (string.IsNullOrEmpty(directory))
        {
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            if (string.IsNullOrEmpty(home)) return null;
            directory = Path.Combine(home, ".docker");
        }
        return Path.Combine(directory, "config.json");
    }
}
