using System.Text.Json.Serialization;

namespace MiniDocker.Images;

/// <summary>Source-generated JSON for the image specification's documents.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    Converters = [typeof(DigestJsonConverter)])]
[JsonSerializable(typeof(ImageManifest))]
[JsonSerializable(typeof(ImageIndex))]
[JsonSerializable(typeof(ImageConfig))]
[JsonSerializable(typeof(ReferenceIndexState))]
[JsonSerializable(typeof(List<Archives.DockerArchiveEntry>))]
internal sealed partial class ImageJsonContext : JsonSerializerContext;
