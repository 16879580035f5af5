using System.Text.Json.Serialization;

namespace MiniDocker.Server.Api;

/// <summary>Docker's error body.</summary>
internal sealed record ErrorBody([property: JsonPropertyName("message")] string Message);
