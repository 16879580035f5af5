using MiniDocker.Storage;

namespace MiniDocker.Registry;

/// <summary>A manifest or index as the registry served it: the exact bytes, their media type and digest.</summary>
/// <param name="Content">The document's bytes, which its digest covers.</param>
/// <param name="MediaType">What kind of document it is.</param>
/// <param name="Digest">The sha256 of <paramref name="Content"/>.</param>
public sealed record ManifestResponse(byte[] Content, string MediaType, Digest Digest);
