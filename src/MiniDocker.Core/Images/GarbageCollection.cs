namespace MiniDocker.Images;

/// <summary>What a garbage collection removed: blobs and unpacked layers that no image or container referenced.</summary>
/// <param name="BlobsRemoved">Blobs deleted.</param>
/// <param name="LayersRemoved">Unpacked layers deleted.</param>
/// <param name="BytesReclaimed">The size of the deleted blobs.</param>
public sealed record GarbageCollection(int BlobsRemoved, int LayersRemoved, long BytesReclaimed);
