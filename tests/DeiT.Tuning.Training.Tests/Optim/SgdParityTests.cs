using System.Text.Json;
using DeiT.Tuning.Training.Engine;
using DeiT.Tuning.Training.Tests.Data;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Tests.Optim;

/// <summary>Fixtures/sgd/sgd_steps.json: three steps of torch.optim.SGD (momentum 0.9, weight decay on the decay
/// group only), written by make_fixture.py beside it.</summary>
public class SgdParityTests
{
    private static readonly JsonElement Fixture = JsonDocument.Parse(File.ReadAllText(
        Path.Combine(DataTestFiles.RepoRoot, "tests", "DeiT.Tuning.Training.Tests", "Fixtures", "sgd", "sgd_steps.json"))).RootElement;

    private static float[] Floats(JsonElement array) => array.EnumerateArray().Select(v => v.GetSingle()).ToArray();

    [Fact]
    public void Three_sgd_steps_match_torch_with_deits_weight_decay_groups()
    {
        var entries = Fixture.GetProperty("parameters").EnumerateArray().ToList();
        var parameters = entries.Select(e => (Name: e.GetProperty("name").GetString()!,
            Parameter: new Parameter(torch.tensor(Floats(e.GetProperty("initial")),
                e.GetProperty("shape").EnumerateArray().Select(v => v.GetInt64()).ToArray())))).ToList();
        using var sgd = DeitSgd.Create(parameters, Fixture.GetProperty("lr").GetDouble(), Fixture.GetProperty("momentum").GetDouble(),
            Fixture.GetProperty("weight_decay").GetDouble());
        int steps = entries[0].GetProperty("grads").GetArrayLength();
        for (int step = 0; step < steps; step++)
        {
            for (int i = 0; i < entries.Count; i++)
                parameters[i].Parameter.grad = torch.tensor(Floats(entries[i].GetProperty("grads")[step]), parameters[i].Parameter.shape);
            sgd.step();
            for (int i = 0; i < entries.Count; i++)
            {
                var expected = Floats(entries[i].GetProperty("after")[step]);
                var actual = parameters[i].Parameter.detach().flatten().data<float>().ToArray();
                for (int k = 0; k < expected.Length; k++)
                    Assert.True(Math.Abs(expected[k] - actual[k]) <= 1e-6 + 1e-5 * Math.Abs(expected[k]),
                        $"{parameters[i].Name}[{k}] after step {step + 1}: torch {expected[k]}, ours {actual[k]}");
            }
        }
    }

    [Fact]
    public void Weight_decay_reaches_only_the_decay_group()
    {
        var weight = new Parameter(torch.ones(2, 2));
        var bias = new Parameter(torch.ones(2));
        using var sgd = DeitSgd.Create([("fc.weight", weight), ("fc.bias", bias)], 0.1, 0.9, 0.5);
        weight.grad = torch.zeros(2, 2);
        bias.grad = torch.zeros(2);
        sgd.step();
        Assert.Equal(1f - 0.1f * 0.5f, weight.data<float>()[0], 6);
        Assert.Equal(1f, bias.data<float>()[0]);
    }
}
