namespace MiniDocker.Security.Seccomp;

/// <summary>
/// Emits classic BPF with symbolic labels. Conditional jumps reach only 255 instructions ahead,
/// so a conditional whose target is farther becomes a conditional over two unconditional
/// jumps (32-bit reach), and layout repeats until every jump fits.
/// </summary>
internal sealed class BpfAssembler
{
    private readonly List<Item> _items = [];
    private int _labels;

    public int NewLabel() => _labels++;

    public void Mark(int label) => _items.Add(new Item(ItemKind.Label, 0, 0, label, -1));

    public void Load(uint offset) => _items.Add(new Item(ItemKind.Plain, BpfInstruction.LdAbsW, offset, -1, -1));

    public void And(uint mask) => _items.Add(new Item(ItemKind.Plain, BpfInstruction.AndK, mask, -1, -1));

    public void Return(uint value) => _items.Add(new Item(ItemKind.Plain, BpfInstruction.RetK, value, -1, -1));

    public void Jump(int label) => _items.Add(new Item(ItemKind.Jump, BpfInstruction.Ja, 0, label, -1));

    /// <summary>if (A op k) goto whenTrue else goto whenFalse.</summary>
    public void JumpIf(ushort op, uint k, int whenTrue, int whenFalse) =>
        _items.Add(new Item(ItemKind.Conditional, op, k, whenTrue, whenFalse));

    public BpfInstruction[] Assemble()
    {
        var far = new HashSet<int>(); // items (by index) laid out as conditional + two long jumps
        while (true)
        {
            var positions = new int[_items.Count];
            var labels = new Dictionary<int, int>();
            int pc = 0;
            for (int i = 0; i < _items.Count; i++)
            {
                positions[i] = pc;
                if (_items[i].Kind == ItemKind.Label) labels[_items[i].Target] = pc;
                else pc += far.Contains(i) ? 3 : 1;
            }
            var code = new List<BpfInstruction>(pc);
            bool grew = false;
            for (int i = 0; i < _items.Count; i++)
            {
                var item = _items[i];
                int at = positions[i];
                switch (item.Kind)
                {
                    case ItemKind.Plain:
                        code.Add(new BpfInstruction(item.Code, 0, 0, item.K));
                        break;
                    case ItemKind.Jump:
                        code.Add(new BpfInstruction(BpfInstruction.Ja, 0, 0, (uint)Offset(labels, item.Target, at)));
                        break;
                    case ItemKind.Conditional when far.Contains(i):
                        code.Add(new BpfInstruction(item.Code, 0, 1, item.K));
                        code.Add(new BpfInstruction(BpfInstruction.Ja, 0, 0, (uint)Offset(labels, item.Target, at + 1)));
                        code.Add(new BpfInstruction(BpfInstruction.Ja, 0, 0, (uint)Offset(labels, item.FalseTarget, at + 2)));
                        break;
                    case ItemKind.Conditional:
                        int jt = Offset(labels, item.Target, at), jf = Offset(labels, item.FalseTarget, at);
                        if (jt > 255 || jf > 255)
                        {
                            far.Add(i);
                            grew = true;
                            code.Add(default);
                        }
                        else
                        {
                            code.Add(new BpfInstruction(item.Code, (byte)jt, (byte)jf, item.K));
                        }
                        break;
                }
            }
            if (!grew) return [.. code];
        }
    }

    private static int Offset(Dictionary<int, int> labels, int label, int from)
    {
        int offset = labels[label] - from - 1;
        return offset >= 0 ? offset : throw new InvalidOperationException("BPF jumps only forward; the compiler emitted a backward jump.");
    }

    private enum ItemKind
    {
        Plain,
        Label,
        Jump,
        Conditional,
    }

    private readonly record struct Item(ItemKind Kind, ushort Code, uint K, int Target, int FalseTarget);
}
