using System.Globalization;
using System.Text;
using Fjord.Log.Checkpoints;

namespace Fjord.Tiering;

/// <summary>
/// The leader epochs of a segment as one compact string column, "epoch:startOffset" pairs joined by
/// ','. A segment rarely spans more than a handful of epochs, so this stays far below Table storage's
/// 64 KiB property limit while keeping the entry to one row (one read, one conditional write).
/// </summary>
internal static class LeaderEpochsColumn
{
    public static string Format(IReadOnlyList<EpochEntry> entries)
    {
        var text = new StringBuilder(entries.Count * 12);
        for (var i = 0; i < entries.Count; i++)
        {
            if (i > 0)
                text.Append(',');
            text.Append(entries[i].Epoch.ToString(CultureInfo.InvariantCulture)).Append(':')
                .Append(entries[i].StartOffset.ToString(CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    public static IReadOnlyList<EpochEntry> Parse(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return [];
        var pairs = text.Split(',');
        var entries = new EpochEntry[pairs.Length];
        for (var i = 0; i < pairs.Length; i++)
        {
            var colon = pairs[i].IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0
                || !int.TryParse(pairs[i].AsSpan(0, colon), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var epoch)
                || !long.TryParse(pairs[i].AsSpan(colon + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var startOffset))
            {
                throw new FormatException($"Malformed leader epochs column '{text}'.");
            }

            entries[i] = new EpochEntry(epoch, startOffset);
        }

        return entries;
    }
}
