namespace DeiT.Tuning.Paper.Report;

/// <summary>Writes report.md, report.json and the figures (figures/*.png) into a folder.</summary>
public static class PaperReportFiles
{
    public static IReadOnlyList<string> Write(PaperReportData data, string folder)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "report.md"), ReportMarkdown.Write(data));
        File.WriteAllText(Path.Combine(folder, "report.json"), ReportJson.Write(data));
        var figures = ReportFigures.Write(data, Path.Combine(folder, "figures"));
        return ["report.md", "report.json", .. figures.Select(f => Path.Combine("figures", f))];
    }
}
