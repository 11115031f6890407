using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Fjord.Functions.Http;

/// <summary>
/// Pages over a list sorted by a unique key: <c>limit</c> items, then <c>next</c> = the last key shown, opaque to the
/// caller. Resuming "after the last key shown" stays exact even when items are added or removed between pages.
/// </summary>
public static class Paging
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1000;

    /// <summary>The <c>limit</c> query parameter; 400 unless a whole number from 1 to <see cref="MaxPageSize"/>.</summary>
    public static int PageSize(string? value)
    {
        if (string.IsNullOrEmpty(value)) return DefaultPageSize;
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) || limit is < 1 or > MaxPageSize)
            throw ApiProblemException.BadRequest($"limit '{value}' must be a whole number from 1 to {MaxPageSize}");
        return limit;
    }

    /// <summary>The page of <paramref name="sorted"/> after the key the <c>continuation</c> token names, and the next token (null on the last page).</summary>
    /// <param name="isKey">When given, a token whose key it refuses is a 400 like a token that does not decode.</param>
    public static (IReadOnlyList<T> Page, string? Next) Page<T>(IEnumerable<T> sorted, Func<T, string> key, string? limitValue, string? continuation,
        Func<string, bool>? isKey = null)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        ArgumentNullException.ThrowIfNull(key);
        var limit = PageSize(limitValue);
        var after = Continuation(continuation, isKey);
        var rest = after is null ? sorted : sorted.Where(item => string.CompareOrdinal(key(item), after) > 0);
        var page = rest.Take(limit + 1).ToList();
        var next = page.Count > limit ? NextToken(key(page[limit - 1])) : null;
        if (page.Count > limit) page.RemoveAt(limit);
        return (page, next);
    }

    /// <summary>The token that resumes after <paramref name="lastKey"/>.</summary>
    public static string NextToken(string lastKey) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(lastKey));

    /// <returns>The key the previous page ended with, or null for the first page; 400 for a token this API did not hand out.</returns>
    public static string? Continuation(string? token, Func<string, bool>? isKey = null)
    {
        if (string.IsNullOrEmpty(token)) return null;
        try
        {
            var key = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
            if (isKey is null || isKey(key)) return key;
        }
        catch (FormatException)
        {
        }
        throw ApiProblemException.BadRequest($"continuation '{token}' is not one this API handed out; pass the 'next' of the previous page as it was");
    }
}
