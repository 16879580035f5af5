namespace MiniDocker.Security.Seccomp;

/// <summary>How a syscall argument is compared (the SCMP_CMP_* operators); all compare 64-bit unsigned values.</summary>
public enum SeccompOperator
{
    /// <summary>arg != value.</summary>
    NotEqual,

    /// <summary>arg &lt; value.</summary>
    LessThan,

    /// <summary>arg &lt;= value.</summary>
    LessOrEqual,

    /// <summary>arg == value.</summary>
    Equal,

    /// <summary>arg &gt;= value.</summary>
    GreaterOrEqual,

    /// <summary>arg &gt; value.</summary>
    GreaterThan,

    /// <summary>(arg &amp; value) == valueTwo: value is the mask.</summary>
    MaskedEqual,
}
