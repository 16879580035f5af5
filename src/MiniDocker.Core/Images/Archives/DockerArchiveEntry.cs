using System.Text.Json.Serialization;

namespace MiniDocker.Images.Archives;

/// <summary>One image in a <c>docker save</c> archive's <c>manifest.json</c>.</summary>
internal sealed record DockerArchiveEntry
{
    [JsonPropertyName("Config")]
    public string Config { get; init; } = "";

    [JsonPropertyName("RepoTags")]
    public List<string>? RepoTags { get; init; }

    [JsonPropertyName("Layers")]
    public List<string> Layers { get; init; } = [];
}
