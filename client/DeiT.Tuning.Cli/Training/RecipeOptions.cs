using System.CommandLine;
using DeiT.Tuning.Cli.Infrastructure;
using DeiT.Tuning.Training.Engine;

namespace DeiT.Tuning.Cli.Training;

/// <summary>One command-line option per <see cref="DeitRecipe"/> field, defaulting to a given recipe.</summary>
public sealed class RecipeOptions
{
    private readonly Option<int> _epochs, _batch, _warmupEpochs, _randAugOps, _randAugMagnitude, _repeatedAug;
    private readonly Option<double> _lr, _minLr, _warmupLr, _weightDecay, _smoothing, _randAugMstd, _mixup, _cutmix,
        _mixupProb, _mixupSwitchProb, _reprob, _dropPath, _distillationAlpha, _distillationTau;
    private readonly Option<double?> _clipGrad, _emaDecay;
    private readonly Option<string> _distillation, _augmentation, _optimizer;
    private readonly Option<double> _momentum;
    private readonly Dictionary<string, Option> _byField;

    public RecipeOptions(DeitRecipe defaults)
    {
        _epochs = Make("--epochs", defaults.Epochs, "Training epochs");
        _batch = Make("--batch", defaults.BatchSize, "Batch size (the learning rate scales with batch / 512)");
        _lr = Make("--lr", defaults.BaseLr, "Base learning rate per 512 images");
        _minLr = Make("--min-lr", defaults.MinLr, "Cosine schedule floor");
        _warmupLr = Make("--warmup-lr", defaults.WarmupLr, "Learning rate at the start of warmup");
        _warmupEpochs = Make("--warmup-epochs", defaults.WarmupEpochs, "Linear warmup epochs");
        _weightDecay = Make("--weight-decay", defaults.WeightDecay, "AdamW weight decay (not on norms, biases, tokens, pos_embed)");
        _clipGrad = Make("--clip-grad", defaults.ClipGrad, "Clip the gradient norm to this value (default: no clipping)");
        _emaDecay = Make("--ema-decay", defaults.EmaDecay, "Keep a model EMA with this decay and evaluate it (default: off)");
        _smoothing = Make("--smoothing", defaults.LabelSmoothing, "Label smoothing");
        _randAugOps = Make("--randaug-ops", defaults.RandAugOps, "RandAugment ops per image (0: off)");
        _randAugMagnitude = Make("--randaug-magnitude", defaults.RandAugMagnitude, "RandAugment magnitude");
        _randAugMstd = Make("--randaug-mstd", defaults.RandAugMagnitudeStd, "RandAugment magnitude noise std");
        _mixup = Make("--mixup", defaults.MixupAlpha, "Mixup alpha (0: off)");
        _cutmix = Make("--cutmix", defaults.CutmixAlpha, "CutMix alpha (0: off)");
        _mixupProb = Make("--mixup-prob", defaults.MixupProb, "Probability of mixing a batch");
        _mixupSwitchProb = Make("--mixup-switch-prob", defaults.MixupSwitchProb, "Probability of CutMix instead of Mixup when both are on");
        _reprob = Make("--reprob", defaults.ErasingProb, "Random erasing probability");
        _dropPath = Make("--drop-path", defaults.DropPath, "Stochastic depth rate");
        _repeatedAug = Make("--repeated-aug", defaults.RepeatedAugmentation, "Repeated augmentation: each image this many times per epoch");
        _distillation = Make("--distillation", defaults.Distillation.ToString().ToLowerInvariant(), "Distillation: none, soft or hard (soft/hard need --teacher)");
        _distillation.AcceptOnlyFromAmong("none", "soft", "hard");
        _distillationAlpha = Make("--distillation-alpha", defaults.DistillationAlpha, "Weight of the distillation loss");
        _distillationTau = Make("--distillation-tau", defaults.DistillationTau, "Temperature of soft distillation");
        _augmentation = Make("--augment", defaults.Augmentation.ToString().ToLowerInvariant(), "Policy augmentation: randaugment (--randaug-*) or autoaugment (timm's original policy)");
        _augmentation.AcceptOnlyFromAmong("randaugment", "autoaugment");
        _optimizer = Make("--optimizer", defaults.Optimizer.ToString().ToLowerInvariant(), "Optimizer: adamw or sgd (momentum --momentum)");
        _optimizer.AcceptOnlyFromAmong("adamw", "sgd");
        _momentum = Make("--momentum", defaults.Momentum, "SGD momentum");
        _byField = new()
        {
            [nameof(DeitRecipe.Epochs)] = _epochs, [nameof(DeitRecipe.BatchSize)] = _batch, [nameof(DeitRecipe.BaseLr)] = _lr,
            [nameof(DeitRecipe.MinLr)] = _minLr, [nameof(DeitRecipe.WarmupLr)] = _warmupLr, [nameof(DeitRecipe.WarmupEpochs)] = _warmupEpochs,
            [nameof(DeitRecipe.WeightDecay)] = _weightDecay, [nameof(DeitRecipe.ClipGrad)] = _clipGrad, [nameof(DeitRecipe.EmaDecay)] = _emaDecay,
            [nameof(DeitRecipe.LabelSmoothing)] = _smoothing, [nameof(DeitRecipe.RandAugOps)] = _randAugOps,
            [nameof(DeitRecipe.RandAugMagnitude)] = _randAugMagnitude, [nameof(DeitRecipe.RandAugMagnitudeStd)] = _randAugMstd,
            [nameof(DeitRecipe.MixupAlpha)] = _mixup, [nameof(DeitRecipe.CutmixAlpha)] = _cutmix, [nameof(DeitRecipe.MixupProb)] = _mixupProb,
            [nameof(DeitRecipe.MixupSwitchProb)] = _mixupSwitchProb, [nameof(DeitRecipe.ErasingProb)] = _reprob,
            [nameof(DeitRecipe.DropPath)] = _dropPath, [nameof(DeitRecipe.RepeatedAugmentation)] = _repeatedAug,
            [nameof(DeitRecipe.Distillation)] = _distillation, [nameof(DeitRecipe.DistillationAlpha)] = _distillationAlpha,
            [nameof(DeitRecipe.DistillationTau)] = _distillationTau,
            [nameof(DeitRecipe.Augmentation)] = _augmentation, [nameof(DeitRecipe.Optimizer)] = _optimizer,
            [nameof(DeitRecipe.Momentum)] = _momentum,
        };
    }

    public void AddTo(Command command)
    {
        foreach (var option in _byField.Values) command.Options.Add(option);
    }

    /// <summary>The recipe the options describe; an invalid value is a <see cref="CliException"/> naming its option.</summary>
    public DeitRecipe Read(ParseResult result) => Read(result, defaults: null);

    /// <summary>As <see cref="Read(ParseResult)"/>, with the fields whose options the command line leaves unset taken
    /// from <paramref name="defaults"/> applied to the options' recipe (given options always win).</summary>
    public DeitRecipe Read(ParseResult result, Func<DeitRecipe, DeitRecipe>? defaults)
    {
        var given = Given(result);
        if (defaults is not null)
        {
            var preferred = defaults(given);
            foreach (var property in typeof(DeitRecipe).GetProperties())
                if (_byField.TryGetValue(property.Name, out var option) && !WasGiven(result, option))
                    property.SetValue(given, property.GetValue(preferred));
        }
        if (RecipeValidation.Problems(given).FirstOrDefault() is { } problem)
            throw new CliException($"{_byField[problem.Field].Name} {problem.Value?.ToString() ?? "(unset)"} is invalid: it must be {problem.Requirement}.");
        return given;
    }

    private static bool WasGiven(ParseResult result, Option option) => result.GetResult(option) is { Implicit: false };

    private DeitRecipe Given(ParseResult result)
    {
        return new DeitRecipe
        {
            Epochs = result.GetValue(_epochs),
            BatchSize = result.GetValue(_batch),
            BaseLr = result.GetValue(_lr),
            MinLr = result.GetValue(_minLr),
            WarmupLr = result.GetValue(_warmupLr),
            WarmupEpochs = result.GetValue(_warmupEpochs),
            WeightDecay = result.GetValue(_weightDecay),
            ClipGrad = result.GetValue(_clipGrad),
            EmaDecay = result.GetValue(_emaDecay),
            LabelSmoothing = result.GetValue(_smoothing),
            RandAugOps = result.GetValue(_randAugOps),
            RandAugMagnitude = result.GetValue(_randAugMagnitude),
            RandAugMagnitudeStd = result.GetValue(_randAugMstd),
            MixupAlpha = result.GetValue(_mixup),
            CutmixAlpha = result.GetValue(_cutmix),
            MixupProb = result.GetValue(_mixupProb),
            MixupSwitchProb = result.GetValue(_mixupSwitchProb),
            ErasingProb = result.GetValue(_reprob),
            DropPath = result.GetValue(_dropPath),
            RepeatedAugmentation = result.GetValue(_repeatedAug),
            Distillation = Enum.Parse<DistillationType>(result.GetValue(_distillation)!, ignoreCase: true),
            DistillationAlpha = result.GetValue(_distillationAlpha),
            DistillationTau = result.GetValue(_distillationTau),
            Augmentation = Enum.Parse<AugmentationPolicy>(result.GetValue(_augmentation)!, ignoreCase: true),
            Optimizer = Enum.Parse<OptimizerKind>(result.GetValue(_optimizer)!, ignoreCase: true),
            Momentum = result.GetValue(_momentum),
        };
    }

    private static Option<T> Make<T>(string name, T defaultValue, string description) =>
        new(name) { Description = description, DefaultValueFactory = _ => defaultValue };
}
