using MiniDocker.Storage;

namespace MiniDocker.Layers;

/// <summary>What unpacking a layer found: the digest of its uncompressed tar (the diff id) and its size on disk.</summary>
internal sealed record LayerUnpackResult(Digest DiffId, long Bytes, int Entries);
