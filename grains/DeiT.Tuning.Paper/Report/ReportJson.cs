using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using DeiT.Tuning.Paper.Plan;

namespace DeiT.Tuning.Paper.Report;

/// <summary>
/// report.json: {"study", "budget", "rows": [{"table", "config", "removed", "distillation", "teacher", "head",
/// "top1_mean", "top1_std", "seeds", "epochs", "paper"}]} as the issue specifies, top-1 in %. Disagreement rows carry
/// their value as "disagreement_mean"/"disagreement_std" (top1_* null); every row adds "delta_mean"/"delta_std", its
/// change against the table's baseline. "paper" is {"direction", "size", "source", "note"}.
/// </summary>
public static class ReportJson
{
    public static JsonObject ToJson(PaperReportData data) => new()
    {
        ["study"] = data.Study,
        ["budget"] = data.Budget.ToString().ToLowerInvariant(),
        ["rows"] = new JsonArray([.. data.Rows.Select(Row)]),
    };

    public static string Write(PaperReportData data) => ToJson(data).ToJsonString(new JsonSerializerOptions
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,   // a file for people: keep ± and apostrophes readable
    });

    private static JsonObject Row(ReportRow r)
    {
        var disagreement = r.Row.Metric == RowMetric.Disagreement;
        var row = new JsonObject
        {
            ["table"] = r.Row.Table.Name(),
            ["config"] = r.Row.Config,
            ["removed"] = r.Row.Removed,
            ["distillation"] = r.Row.Distillation,
            ["teacher"] = r.Row.Teacher,
            ["head"] = r.Row.Head,
            ["top1_mean"] = disagreement ? null : r.Mean,
            ["top1_std"] = disagreement ? null : r.Std,
            ["seeds"] = r.Seeds,
            ["epochs"] = r.Epochs,
            ["paper"] = new JsonObject
            {
                ["direction"] = r.Row.Paper.Direction switch
                {
                    EffectDirection.Lower => "lower",
                    EffectDirection.Higher => "higher",
                    EffectDirection.Same => "same",
                    _ => "not reported",
                },
                ["size"] = r.Row.Paper.Size,
                ["source"] = r.Row.Paper.Source,
                ["note"] = r.Row.Paper.Note,
            },
        };
        if (disagreement)
        {
            row["disagreement_mean"] = r.Mean;
            row["disagreement_std"] = r.Std;
        }
        row["delta_mean"] = r.Delta;
        row["delta_std"] = r.DeltaStd;
        return row;
    }
}
