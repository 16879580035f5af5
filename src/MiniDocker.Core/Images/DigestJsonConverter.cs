using System.Text.Json;
using System.Text.Json.Serialization;
using MiniDocker.Storage;

namespace MiniDocker.Images;

/// <summary>Reads and writes a <see cref="Digest"/> as its <c>algorithm:hex</c> string, refusing anything else.</summary>
internal sealed class DigestJsonConverter : JsonConverter<Digest>
{
    public override Digest Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        return Digest.TryParse(text, out var digest)
            ? digest
            : throw new JsonException($"'{text ?? reader.TokenType.ToString()}' is not a sha256 or sha512 digest.");
    }

    public override void Write(Utf8JsonWriter writer, Digest value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}
