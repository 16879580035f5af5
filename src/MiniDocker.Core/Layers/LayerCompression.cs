using System.IO.Compression;

namespace MiniDocker.Layers;

/// <summary>Opens a layer blob as its tar, whatever the compression (found from the magic bytes, not trusted from the media type).</summary>
internal static class LayerCompression
{
    /// <summary>Wraps a seekable stream positioned at a layer's first byte in the right decompressor.</summary>
    public static Stream OpenTar(Stream blob)
    {
        Span<byte> magic = stackalloc byte[4];
        int read = blob.ReadAtLeast(magic, 4, throwOnEndOfStream: false);
        blob.Seek(-read, SeekOrigin.Current);
        if (read >= 2 && magic[0] == 0x1f && magic[1] == 0x8b) return new GZipStream(blob, CompressionMode.Decompress);
        if (read == 4 && magic.SequenceEqual((ReadOnlySpan<byte>)[0x28, 0xb5, 0x2f, 0xfd])) return new ZstdSharp.DecompressionStream(blob);
        return blob;
    }
}
