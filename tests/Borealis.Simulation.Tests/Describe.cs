using System.Globalization;
using Borealis.Storage.Protocol;

namespace Borealis.Simulation.Tests;

/// <summary>Short, readable forms of protocol messages for the trace (records' own ToString prints every byte).</summary>
static class Describe
{
    public static string Any(object? value) => value switch
    {
        null => "",
        StorageRequest request => Request(request),
        StorageResponse response => Response(response),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    public static string Request(StorageRequest request) => request switch
    {
        AppendRequest a => $"Append(e{a.Epoch} vdl={a.DurableLsn} frames=[{string.Join(",", a.Frames.Select(Frame))}])",
        GetPageRequest g => $"GetPage(e{g.Epoch} g{g.Group} p{g.Page} asOf={g.AsOf} req={g.RequiredScl})",
        ReadLogRequest r => $"ReadLog(e{r.Epoch} g{r.Group} after={r.After})",
        ReadImagesRequest i => $"ReadImages(e{i.Epoch} g{i.Group} asOf={i.AsOf} from={i.FromPage})",
        SetMapRequest s => $"SetMap({Map(s.Map)})",
        _ => request.GetType().Name.Replace("Request", "", StringComparison.Ordinal),
    };

    public static string Response(StorageResponse response) => response switch
    {
        ErrorResponse e => $"Error({e.Status} nodeEpoch={e.NodeEpoch}: {e.Message})",
        AppendResponse a => $"AppendOk([{string.Join(",", a.Segments.Select(s => $"g{s.Group}:{s.Scl}"))}])",
        PageResponse p => $"Page(v={p.Version})",
        ReadLogResponse l => $"Log(g{l.Group} scl={l.Scl} tail={l.TailAtOrBelowAfter} start={l.LogStart} kd={l.KnownDurable} frames=[{string.Join(",", l.Frames.Select(Frame))}]{(l.More ? " more" : "")})",
        ReadImagesResponse i => $"Images(g{i.Group} asOf={i.AsOf} n={i.Images.Count} next={i.NextPage})",
        MapResponse m => $"Map({(m.Map is null ? "none" : Map(m.Map))})",
        NodeStatusResponse n => $"Status(n{n.Node} v{n.MapVersion} e{n.Epoch} [{string.Join(",", n.Segments.Select(s => $"g{s.Group}:{s.Scl}/{s.MaxLsn}/{s.State}"))}])",
        _ => response.GetType().Name.Replace("Response", "", StringComparison.Ordinal),
    };

    public static string Frame(SegmentFrame f) => $"g{f.Group}e{f.Epoch}[{f.First}..{f.Last} bl={f.Backlink} c={f.Commit}]";

    public static string Map(VolumeMap m) =>
        $"v{m.Version} e{m.Epoch} groups=[{string.Join(" ", m.Groups.Select(g => $"g{g.Group}:{string.Join(",", g.Members)}{(g.InTransition ? "->" + string.Join(",", g.Next) : "")}"))}] trunc=[{string.Join(",", m.Truncations.Select(t => $"e{t.Epoch}>{t.Above}"))}]";
}
