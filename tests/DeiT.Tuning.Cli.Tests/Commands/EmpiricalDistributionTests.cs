using System.Text.Json;
using DeiT.Tuning.Abstractions.Studies;
using DeiT.Tuning.Abstractions.Trials;
using DeiT.Tuning.Cli.Commands.Plot;

namespace DeiT.Tuning.Cli.Tests.Commands;

/// <summary>`plot edf` against Optuna 3.1's _get_edf_info on the same trials (Fixtures/optuna_edf.py).</summary>
public sealed class EmpiricalDistributionTests
{
    static readonly JsonElement Fixture = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "optuna-edf.json"))).RootElement;

    static StudySnapshot Study(string name, IEnumerable<double> values, params TrialRecord[] others) => new()
    {
        Spec = new StudySpec { Name = name, Runner = new TrialRunnerSpec() },
        Trials = [.. values.Select((v, i) => new TrialRecord { Number = i, Status = TrialStatus.Completed, Value = v }), .. others],
    };

    [Fact]
    public void Curves_equal_optunas_over_the_same_completed_trials()
    {
        var studies = Fixture.GetProperty("studies").EnumerateArray()
            .Select(s => (Name: s.GetProperty("name").GetString()!, Values: s.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToList())).ToList();
        var curves = EmpiricalDistribution.Of([
            Study(studies[0].Name, studies[0].Values),
            // Left out, as Optuna leaves them out: a pruned trial (with its best epoch's value), a failed one, a diverged one.
            Study(studies[1].Name, studies[1].Values,
                new TrialRecord { Number = 100, Status = TrialStatus.Pruned, Value = 0.99 },
                new TrialRecord { Number = 101, Status = TrialStatus.Failed },
                new TrialRecord { Number = 102, Status = TrialStatus.Completed, Value = double.NaN }),
        ])!;

        Assert.Equal(Fixture.GetProperty("x").EnumerateArray().Select(v => v.GetDouble()), curves.X); // numpy.linspace's points exactly
        var lines = Fixture.GetProperty("lines").EnumerateArray().ToList();
        for (var i = 0; i < lines.Count; i++)
        {
            Assert.Equal(lines[i].GetProperty("study").GetString(), curves.Lines[i].Study);
            Assert.Equal(lines[i].GetProperty("y").EnumerateArray().Select(v => v.GetDouble()), curves.Lines[i].Y);
        }
        Assert.Equal([20, 15], curves.Lines.Select(l => l.Completed));
    }

    [Fact]
    public void A_study_without_completed_trials_has_no_line_and_none_at_all_no_curves()
    {
        var curves = EmpiricalDistribution.Of([Study("a", [0.2, 0.4]), Study("b", [])])!;
        Assert.All(curves.Lines[1].Y, y => Assert.True(double.IsNaN(y)));
        Assert.Equal([0.5, 1.0], new[] { curves.Lines[0].Y[0], curves.Lines[0].Y[^1] });
        Assert.Null(EmpiricalDistribution.Of([Study("b", [])]));
    }
}
