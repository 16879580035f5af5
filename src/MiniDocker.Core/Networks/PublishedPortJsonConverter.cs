using System.Text.Json;
using System.Text.Json.Serialization;

namespace MiniDocker.Networks;

/// <summary>A published port in JSON is the string <c>docker ps</c> shows (an IPAddress has no JSON form of its own).</summary>
internal sealed class PublishedPortJsonConverter : JsonConverter<PublishedPort>
{
    public override PublishedPort Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        try
        {
            return PublishedPort.Parse(reader.GetString() ?? "");
        }
        catch (FormatException e)
        {
            throw new JsonException(e.Message, e);
        }
    }

    public override void Write(Utf8JsonWriter writer, PublishedPort value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
}
