using System.Buffers.Binary;
using System.Text;

namespace MiniDocker.Execution;

/// <summary>
/// Writes the binary plan stage-0 reads: little-endian integers, strings as a length, the UTF-8
/// bytes and a NUL (so the C side can point into the buffer), steps as opcode, length, payload.
/// </summary>
internal sealed class PlanWriter
{
    public const uint Magic = 0x3050444d; // "MDP0"
    public const uint Version = 1;

    private byte[] _bytes = new byte[4096];
    private int _length;

    public void U32(uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Reserve(4), value);

    public void U64(ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Reserve(8), value);

    public void String(string value)
    {
        if (value.Contains('\0'))
            throw new ArgumentException($"\"{value.Replace("\0", "\\0", StringComparison.Ordinal)}\" contains a NUL character, which the kernel cannot take.", nameof(value));
        int count = Encoding.UTF8.GetByteCount(value);
        U32((uint)count);
        var span = Reserve(count + 1);
        Encoding.UTF8.GetBytes(value, span);
        span[count] = 0;
    }

    public void Bytes(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Reserve(bytes.Length));

    public void Strings(IReadOnlyList<string> values)
    {
        U32((uint)values.Count);
        foreach (var value in values) String(value);
    }

    public static byte[] Write(IReadOnlyList<PlanStep> steps)
    {
        var writer = new PlanWriter();
        writer.U32(Magic);
        writer.U32(Version);
        writer.U32((uint)steps.Count);
        foreach (var step in steps)
        {
            writer.U32((uint)step.Opcode);
            int lengthAt = writer._length;
            writer.U32(0);
            step.WritePayload(writer);
            BinaryPrimitives.WriteUInt32LittleEndian(writer._bytes.AsSpan(lengthAt), (uint)(writer._length - lengthAt - 4));
        }
        return writer._bytes.AsSpan(0, writer._length).ToArray();
    }

    private Span<byte> Reserve(int count)
    {
        if (_length + count > _bytes.Length)
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _length + count));
        var span = _bytes.AsSpan(_length, count);
        _length += count;
        return span;
    }
}
