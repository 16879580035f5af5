using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace MiniDocker.Storage;

/// <summary>
/// A content digest as the OCI image specification writes it: <c>algorithm:hex</c>, such as
/// <c>sha256:e3b0…</c>. Only sha256 and sha512 are accepted, with lowercase hex of the right length,
/// so that a digest can safely name a file.
/// </summary>
public readonly record struct Digest
{
    private Digest(string algorithm, string hex)
    {
        Algorithm = algorithm;
        Hex = hex;
    }

    /// <summary>The algorithm: <c>sha256</c> or <c>sha512</c>.</summary>
    public string Algorithm { get; }

    /// <summary>The encoded hash: lowercase hexadecimal.</summary>
    public string Hex { get; }

    /// <summary>Parses <c>algorithm:hex</c>.</summary>
    /// <exception cref="FormatException">The text is not a sha256 or sha512 digest in canonical form.</exception>
    public static Digest Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var digest)
            ? digest
            : throw new FormatException(
                $"'{text}' is not a content digest. Expected 'sha256:' followed by 64 lowercase hex digits (or 'sha512:' and 128).");
    }

    /// <summary>Parses <c>algorithm:hex</c>, returning false instead of throwing.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out Digest digest)
    {
        digest = default;
        var colon = text?.IndexOf(':') ?? -1;
        if (colon < 0)
            return false;
        var algorithm = text![..colon];
        var hex = text[(colon + 1)..];
        var length = algorithm switch { "sha256" => 64, "sha512" => 128, _ => 0 };
        if (length == 0 || hex.Length != length || !hex.All(char.IsAsciiHexDigitLower))
            return false;
        digest = new Digest(algorithm, hex);
        return true;
    }

    /// <summary>The sha256 digest of <paramref name="content"/>.</summary>
    public static Digest Sha256(ReadOnlySpan<byte> content) =>
        new("sha256", Convert.ToHexStringLower(SHA256.HashData(content)));

    internal static Digest FromHash(string algorithm, byte[] hash) => new(algorithm, Convert.ToHexStringLower(hash));

    internal HashAlgorithmName HashAlgorithm => HashAlgorithmFor(Algorithm);

    internal static HashAlgorithmName HashAlgorithmFor(string algorithm) =>
        algorithm == "sha512" ? HashAlgorithmName.SHA512 : HashAlgorithmName.SHA256;

    /// <inheritdoc/>
    public override string ToString() => $"{Algorithm}:{Hex}";
}
