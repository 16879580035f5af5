using System.Text.Json.Serialization;

namespace MiniDocker.Networking.Ipam;

/// <summary>Source-generated JSON for the lease file.</summary>
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class LeaseJsonContext : JsonSerializerContext;
