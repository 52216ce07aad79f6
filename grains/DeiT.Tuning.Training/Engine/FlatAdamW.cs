using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Engine;

/// <summary>
/// AdamW with torch.optim.AdamW's single-tensor formulas, run as a handful of kernels per parameter group instead
/// of ~9 per parameter (TorchSharp's <see cref="AdamW"/> is launch-bound on a GPU).
/// Each group's parameters are packed into one contiguous buffer and every parameter is re-pointed to its slice;
/// each parameter's gradient is pre-set to the matching slice of one flat gradient buffer, so autograd accumulates
/// into it in place; first and second moments are flat too. The per-parameter <see cref="AdamW.State"/> entries
/// are views of the flat moments, so state_dict, save_state_dict and load_state_dict keep TorchSharp's format.
/// The model must already be on its final device, and anything that loads weights must copy into the existing
/// parameters (copy_, Tensor.Load), never replace them, or the parameters stop aliasing the flat buffer.
/// Unlike torch's AdamW, a parameter that received no gradient is still updated (with a zero gradient): leave
/// parameters the loss never reaches out of the optimizer (requires_grad false), as TrainingSetup does.
/// </summary>
public sealed class FlatAdamW : AdamW
{
    private readonly List<FlatGroup> _flatGroups = [];   // initialized before the base constructor adds the groups

    public FlatAdamW(IEnumerable<ParamGroup> groups, double lr, double beta1, double beta2, double eps, double weightDecay)
        : base(groups, lr, beta1, beta2, eps, weightDecay)
    {
    }

    /// <summary>Every group's packed gradients.</summary>
    public IEnumerable<Tensor> AllFlatGradients => _flatGroups.Select(g => g.Gradients);

    public int GroupCount => _flatGroups.Count;

    /// <summary>The group's parameters in packing order: each is a view of the next slice of <see cref="FlatParameters"/>.</summary>
    public IReadOnlyList<Parameter> GroupParameters(int group) => _parameter_groups[group].Parameters.ToList();

    /// <summary>The group's parameters, packed (a parameter is a view of a slice of it).</summary>
    public Tensor FlatParameters(int group) => _flatGroups[group].Parameters;

    /// <summary>The group's gradients, packed (a parameter's .grad is a view of a slice of it).</summary>
    public Tensor FlatGradients(int group) => _flatGroups[group].Gradients;

    public override void add_param_group(TorchSharp.Modules.ParamGroup param_group)
    {
        ArgumentNullException.ThrowIfNull(param_group);
        var defaults = (Options)_defaults;
        param_group.Options ??= new Options();
        var options = (Options)param_group.Options;
        options.LearningRate ??= defaults.LearningRate;
        options.beta1 ??= defaults.beta1;
        options.beta2 ??= defaults.beta2;
        options.eps ??= defaults.eps;
        options.weight_decay ??= defaults.weight_decay;
        options.amsgrad ??= defaults.amsgrad;
        options.maximize ??= defaults.maximize;
        options.InitialLearningRate = options.LearningRate!.Value;
        if (options.amsgrad == true || options.maximize == true)
            throw new ArgumentException("FlatAdamW implements plain AdamW: amsgrad and maximize must be false.", nameof(param_group));

        var parameters = param_group.Parameters.ToList();
        if (parameters.Count == 0) throw new ArgumentException("A parameter group must hold at least one parameter.", nameof(param_group));
        if (parameters.Any(p => _state.ContainsKey(p.Handle)))
            throw new ArgumentException("A parameter may belong to only one parameter group.", nameof(param_group));
        var dtype = parameters[0].dtype;
        var device = parameters[0].device;
        if (parameters.Any(p => p.dtype != dtype || p.device_type != device.type || p.device_index != device.index))
            throw new ArgumentException(
                $"The parameters of one group must share dtype and device (found {string.Join(", ", parameters.Select(p => $"{p.dtype}@{p.device}").Distinct())}); move the model to its device before creating the optimizer.",
                nameof(param_group));

        _parameter_groups.Add(param_group);
        var group = FlatGroup.Pack(parameters, dtype, device);
        _flatGroups.Add(group);
        for (var i = 0; i < parameters.Count; i++) _state[parameters[i].Handle] = group.States[i];
    }

    public override Tensor step(Func<Tensor>? closure = null)
    {
        Tensor? loss = null;
        if (closure is not null)
        {
            using var _ = enable_grad();
            loss = closure();
        }
        using (no_grad())
        using (NewDisposeScope())
        {
            for (var i = 0; i < _flatGroups.Count; i++)
                _flatGroups[i].Update((Options)_parameter_groups[i].Options);
        }
        return loss!;
    }

    /// <summary>Zeroes the flat gradient buffers in place: the gradients must stay views of them.</summary>
    public override void zero_grad()
    {
        using var _ = no_grad();
        foreach (var group in _flatGroups) group.Gradients.zero_();
    }

    /// <summary>Copies the moments in place: TorchSharp's version would replace this optimizer's moment tensors with
    /// the source's, and they would no longer be views of the flat buffers.</summary>
    public override void load_state_dict(StateDictionary state_dict)
    {
        ArgumentNullException.ThrowIfNull(state_dict);
        var own = this.state_dict();
        if (state_dict.Options.Count != own.Options.Count || state_dict.State.Count != own.State.Count)
            throw new ArgumentException(
                $"The optimizer state holds {state_dict.Options.Count} groups and {state_dict.State.Count} parameters, this optimizer {own.Options.Count} and {own.State.Count}.",
                nameof(state_dict));
        for (var i = 0; i < own.Options.Count; i++)
            if (!ReferenceEquals(own.Options[i], state_dict.Options[i])) own.Options[i].LoadStateDict(state_dict.Options[i]);
        using var _ = no_grad();
        for (var i = 0; i < own.State.Count; i++)
        {
            var target = (State)own.State[i];
            if (state_dict.State[i] is not State source || source.max_exp_avg_sq is not null)
                throw new ArgumentException($"Optimizer state {i} is not plain AdamW state.", nameof(state_dict));
            if (ReferenceEquals(target, source)) continue;
            target.step = source.step;
            target.exp_avg.copy_(source.exp_avg);
            target.exp_avg_sq.copy_(source.exp_avg_sq);
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);   // disposes the per-parameter states (views)
        if (!disposing) return;
        foreach (var group in _flatGroups) group.Dispose();
        _flatGroups.Clear();
    }

    private sealed class FlatGroup(Tensor parameters, Tensor gradients, Tensor expAvg, Tensor expAvgSq, List<State> states) : IDisposable
    {
        public Tensor Parameters { get; } = parameters;
        public Tensor Gradients { get; } = gradients;
        public List<State> States { get; } = states;

        public static FlatGroup Pack(List<Parameter> parameters, ScalarType dtype, Device device)
        {
            using var _ = no_grad();
            using var scope = NewDisposeScope();
            var total = parameters.Sum(p => p.numel());
            var flat = empty(total, dtype: dtype, device: device);
            var gradients = zeros(total, dtype: dtype, device: device);
            var expAvg = zeros(total, dtype: dtype, device: device);
            var expAvgSq = zeros(total, dtype: dtype, device: device);
            var states = new List<State>(parameters.Count);
            long offset = 0;
            foreach (var p in parameters)
            {
                var n = p.numel();
                var shape = p.shape;
                var slot = flat.narrow(0, offset, n).view(shape);
                slot.copy_(p);
                if (p.grad is { } existing) gradients.narrow(0, offset, n).view(shape).copy_(existing);
                p.set_(slot);
                p.grad = gradients.narrow(0, offset, n).view(shape);
                var state = new State(p)
                {
                    step = 0,
                    exp_avg = expAvg.narrow(0, offset, n).view(shape),
                    exp_avg_sq = expAvgSq.narrow(0, offset, n).view(shape),
                };
                scope.Detach(state.exp_avg, state.exp_avg_sq);
                states.Add(state);
                offset += n;
            }
            scope.Detach(flat, gradients, expAvg, expAvgSq);
            return new FlatGroup(flat, gradients, expAvg, expAvgSq, states);
        }

        /// <summary>One AdamW step on the whole group, in torch.optim.AdamW's (single-tensor) order of operations.</summary>
        public void Update(Options options)
        {
            var lr = options.LearningRate!.Value;
            var beta1 = options.beta1!.Value;
            var beta2 = options.beta2!.Value;
            var eps = options.eps!.Value;
            var weightDecay = options.weight_decay!.Value;
            var step = States[0].step + 1;
            foreach (var state in States) state.step = step;

            if (weightDecay != 0) Parameters.mul_(1 - lr * weightDecay);
            expAvg.mul_(beta1).add_(Gradients, alpha: 1 - beta1);
            expAvgSq.mul_(beta2).addcmul_(Gradients, Gradients, value: 1 - beta2);
            var biasCorrection1 = 1 - Math.Pow(beta1, step);
            var biasCorrection2 = 1 - Math.Pow(beta2, step);
            var denominator = expAvgSq.sqrt().div_(Math.Sqrt(biasCorrection2)).add_(eps);
            Parameters.addcdiv_(expAvg, denominator, value: -lr / biasCorrection1);
        }

        public void Dispose()
        {
            Parameters.Dispose();
            Gradients.Dispose();
            expAvg.Dispose();
            expAvgSq.Dispose();
        }
    }
}
