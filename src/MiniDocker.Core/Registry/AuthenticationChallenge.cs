namespace MiniDocker.Registry;

/// <summary>
/// A <c>WWW-Authenticate</c> challenge: <c>Basic realm="…"</c>, or
/// <c>Bearer realm="https://auth/token",service="registry",scope="repository:x:pull"</c>.
/// </summary>
internal sealed record AuthenticationChallenge(string Scheme, IReadOnlyDictionary<string, string> Parameters)
{
    public string? Realm => Parameters.GetValueOrDefault("realm");

    public static AuthenticationChallenge? Parse(string? header)
    {
        if (string.IsNullOrWhiteSpace(header)) return null;
        header = header.Trim();
        var space = header.IndexOf(' ');
        var scheme = space < 0 ? header : header[..space];
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        int i = space < 0 ? header.Length : space + 1;
        while (i < header.Length)
        {
            while (i < header.Length && header[i] is ' ' or ',') i++;
            int equals = header.IndexOf('=', i);
            if (equals < 0) break;
            var key = header[i..equals].Trim();
            i = equals + 1;
            string value;
            if (i < header.Length && header[i] == '"')
            {
                var text = new System.Text.StringBuilder();
                for (i++; i < header.Length && header[i] != '"'; i++)
                {
                    if (header[i] == '\\' && i + 1 < header.Length) i++;
                    text.Append(header[i]);
                }
                i++;
                value = text.ToString();
            }
            else
            {
                int end = header.IndexOf(',', i);
                if (end < 0) end = header.Length;
                value = header[i..end].Trim();
                i = end;
            }
            parameters[key] = value;
        }
        return new AuthenticationChallenge(scheme, parameters);
    }
}
