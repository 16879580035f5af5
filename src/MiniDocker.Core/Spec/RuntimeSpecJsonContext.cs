using System.Text.Json.Serialization;

namespace MiniDocker.Spec;

/// <summary>Source-generated JSON for the OCI runtime specification's camelCase field names.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip)]
[JsonSerializable(typeof(RuntimeSpec))]
[JsonSerializable(typeof(LinuxSeccompSpec))]
internal sealed partial class RuntimeSpecJsonContext : JsonSerializerContext;
