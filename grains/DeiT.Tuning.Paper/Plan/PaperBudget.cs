namespace DeiT.Tuning.Paper.Plan;

/// <summary>How large the paper study is: quick (this 2-core CPU, under 45 minutes), standard (one GPU, a few hours),
/// full (the paper's sizes on a GPU cluster).</summary>
public enum PaperBudget { Quick, Standard, Full }

/// <summary>The sizes a budget trains at. Student and teacher trials see the same data; limits null = the whole split.</summary>
public sealed record BudgetSizes(
    PaperBudget Budget,
    string Dataset,
    int? TrainLimit,
    int? ValidationLimit,
    int? TestLimit,
    string StudentModel,
    string DistilledModel,
    string ConvNetTeacher,
    string TransformerTeacher,
    int Epochs,
    int TeacherEpochs,
    int BatchSize,
    int Seeds,
    int SearchTrials,
    int RepeatedAugmentation,
    double EmaDecay,
    double BaseLr,
    int WarmupEpochs)
{
    /// <summary>
    /// quick: sized from a whole quick study on this 2-core machine (2 trials at once, one core each): at 1,500 training
    /// images and 3 epochs a trial took 28–39 s when the machine was otherwise idle (about 12 s of it worker start,
    /// dataset load, validation and the test predictions) and the 36 trainings 31 minutes under a load of 20, but the
    /// students barely left chance (full recipe 24.8 % test top-1). 3,000 images and 4 epochs (5 for the teachers) train
    /// 2.7× as many images per trial for ≈ 20 minutes idle. standard: all of Fashion-MNIST for one GPU. full: the
    /// paper's DeiT-B at 224 on an ImageFolder dataset for 300 epochs.
    /// BaseLr/WarmupEpochs: short runs at small batches need a larger per-512 rate than the paper's 5e-4. EMA decay is
    /// per budget so the average spans a fraction of the run (the paper's 0.99996 has a half-life of ~17k steps).
    /// </summary>
    public static BudgetSizes For(PaperBudget budget) => budget switch
    {
        PaperBudget.Quick => new(budget, "fashion-mnist", 3000, 500, 1000, "deit_micro_patch4_28", "deit_micro_distilled_patch4_28",
            "convnet_tiny", "deit_micro_patch4_28", Epochs: 4, TeacherEpochs: 5, BatchSize: 32, Seeds: 2, SearchTrials: 5,
            RepeatedAugmentation: 3, EmaDecay: 0.99, BaseLr: 5e-3, WarmupEpochs: 1),
        PaperBudget.Standard => new(budget, "fashion-mnist", null, null, null, "deit_micro_patch4_28", "deit_micro_distilled_patch4_28",
            "convnet_small", "deit_micro_patch4_28", Epochs: 30, TeacherEpochs: 30, BatchSize: 128, Seeds: 3, SearchTrials: 16,
            RepeatedAugmentation: 3, EmaDecay: 0.999, BaseLr: 2e-3, WarmupEpochs: 3),
        PaperBudget.Full => new(budget, "imagefolder", null, null, null, "deit_base_patch16_224", "deit_base_distilled_patch16_224",
            "convnet_small", "deit_base_patch16_224", Epochs: 300, TeacherEpochs: 300, BatchSize: 1024, Seeds: 3, SearchTrials: 32,
            RepeatedAugmentation: 3, EmaDecay: 0.99996, BaseLr: 5e-4, WarmupEpochs: 5),
        _ => throw new ArgumentOutOfRangeException(nameof(budget), budget, "budget must be quick, standard or full"),
    };
}
