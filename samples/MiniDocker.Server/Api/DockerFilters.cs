using System.Text.Json;

namespace MiniDocker.Server.Api;

/// <summary>
/// The <c>filters</c> query parameter: JSON mapping each key to its values, either as
/// <c>{"name":{"web":true}}</c> (what the docker client sends) or as <c>{"name":["web"]}</c>.
/// </summary>
internal static class DockerFilters
{
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Parse(HttpRequest request, params string[] supported)
    {
        var text = request.Query["filters"].FirstOrDefault();
        if (string.IsNullOrEmpty(text)) return new Dictionary<string, IReadOnlyList<string>>();
        Dictionary<string, IReadOnlyList<string>> filters = new(StringComparer.Ordinal);
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind != JsonValueKind.Object) throw ApiException.BadRequest("filters must be a JSON object of filter names to values.");
            foreach (var filter in document.RootElement.EnumerateObject())
            {
                if (!supported.Contains(filter.Name))
                    throw ApiException.BadRequest($"The filter \"{filter.Name}\" is not supported by minidocker-server here; use {string.Join(", ", supported)}.");
                filters[filter.Name] = filter.Value.ValueKind switch
                {
                    JsonValueKind.Object => [.. filter.Value.EnumerateObject().Where(v => v.Value.ValueKind == JsonValueKind.True).Select(v => v.Name)],
                    JsonValueKind.Array => [.. filter.Value.EnumerateArray().Select(v => v.GetString() ?? "")],
                    _ => throw ApiException.BadRequest($"The filter \"{filter.Name}\" must map to an object or an array of values."),
                };
            }
        }
        catch (JsonException e)
        {
            throw ApiException.BadRequest($"filters is not valid JSON: {e.Message}");
        }
        return filters;
    }
}
