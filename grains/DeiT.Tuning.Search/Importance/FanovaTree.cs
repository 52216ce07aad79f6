namespace DeiT.Tuning.Search.Importance;

/// <summary>
/// The functional ANOVA of one regression tree over its whole input box (Hutter, Hoos and Leyton-Brown 2014): the tree
/// is a piecewise-constant function, uniform measure on every feature (numbers over [Low, High], categories each with
/// the same weight). <see cref="TotalVariance"/> is the variance of its prediction over the box;
/// <see cref="MainEffectVariance"/> that of its marginal in one feature (the prediction averaged over all the others),
/// the share of the total one feature explains alone.
/// </summary>
public sealed class FanovaTree
{
    readonly RegressionTree _tree;
    readonly List<Leaf> _leaves = [];

    /// <summary>A leaf's box: per numeric feature its interval, per categorical one the set of categories.</summary>
    sealed record Leaf(double Value, double[] Low, double[] High, ulong[]?[] Categories)
    {
        public double Fraction(int f, TreeFeature feature) => feature.IsCategorical
            ? CategorySet.Count(Categories[f]!) / (double)feature.Categories
            : Math.Max(0, High[f] - Low[f]) / (feature.High - feature.Low);

        public bool Has(int f, int category) => CategorySet.Contains(Categories[f]!, category);
    }

    public FanovaTree(RegressionTree tree)
    {
        _tree = tree;
        var features = tree.Features;
        var low = features.Select(f => f.Low).ToArray();
        var high = features.Select(f => f.High).ToArray();
        var categories = features.Select(f => f.IsCategorical ? CategorySet.All(f.Categories) : null).ToArray();
        CollectLeaves(0, low, high, categories);
        TotalVariance = WeightedVariance(_leaves.Select(l => (l.Value, Volume(l, skip: -1))));
    }

    public double TotalVariance { get; }

    /// <summary>Variance of the marginal prediction in feature <paramref name="f"/> over that feature's range.</summary>
    public double MainEffectVariance(int f)
    {
        var feature = _tree.Features[f];
        return Math.Max(0, feature.IsCategorical ? CategoricalMainEffect(f, feature) : NumericMainEffect(f, feature));
    }

    double NumericMainEffect(int f, TreeFeature feature)
    {
        // The marginal is constant between consecutive split points of f: one segment each, weighted by its length.
        var points = _leaves.SelectMany(l => new[] { l.Low[f], l.High[f] }).Append(feature.Low).Append(feature.High)
            .Distinct().Order().ToArray();
        var segments = points.Length - 1;
        var sum = new double[segments + 1];
        var weight = new double[segments + 1];
        foreach (var leaf in _leaves)
        {
            var w = Volume(leaf, skip: f);
            int from = Array.BinarySearch(points, leaf.Low[f]), to = Array.BinarySearch(points, leaf.High[f]);
            sum[from] += w * leaf.Value; sum[to] -= w * leaf.Value;
            weight[from] += w; weight[to] -= w;
        }
        var marginal = new List<(double Value, double Weight)>(segments);
        double runningSum = 0, runningWeight = 0;
        for (var s = 0; s < segments; s++)
        {
            runningSum += sum[s];
            runningWeight += weight[s];
            var length = points[s + 1] - points[s];
            if (length > 0 && runningWeight > 0) marginal.Add((runningSum / runningWeight, length));
        }
        return WeightedVariance(marginal);
    }

    double CategoricalMainEffect(int f, TreeFeature feature)
    {
        var marginal = new List<(double Value, double Weight)>(feature.Categories);
        for (var c = 0; c < feature.Categories; c++)
        {
            double sum = 0, weight = 0;
            foreach (var leaf in _leaves.Where(l => l.Has(f, c)))
            {
                var w = Volume(leaf, skip: f);
                sum += w * leaf.Value;
                weight += w;
            }
            if (weight > 0) marginal.Add((sum / weight, 1));
        }
        return WeightedVariance(marginal);
    }

    /// <summary>The leaf's share of the box in every feature but <paramref name="skip"/>.</summary>
    double Volume(Leaf leaf, int skip)
    {
        var volume = 1.0;
        for (var f = 0; f < _tree.Features.Count; f++)
            if (f != skip) volume *= leaf.Fraction(f, _tree.Features[f]);
        return volume;
    }

    void CollectLeaves(int node, double[] low, double[] high, ulong[]?[] categories)
    {
        var f = _tree.Feature(node);
        if (f < 0)
        {
            _leaves.Add(new Leaf(_tree.Value(node), low, high, categories));
            return;
        }
        double[] leftLow = low, leftHigh = high, rightLow = low, rightHigh = high;
        ulong[]?[] leftCategories = categories, rightCategories = categories;
        if (_tree.Features[f].IsCategorical)
        {
            leftCategories = (ulong[]?[])categories.Clone();
            rightCategories = (ulong[]?[])categories.Clone();
            var count = _tree.Features[f].Categories;
            leftCategories[f] = CategorySet.Empty(count);
            rightCategories[f] = CategorySet.Empty(count);
            for (var c = 0; c < count; c++)
                if (CategorySet.Contains(categories[f]!, c))
                    CategorySet.Add(_tree.GoesLeft(node, c) ? leftCategories[f]! : rightCategories[f]!, c);
        }
        else
        {
            var threshold = _tree.Threshold(node);
            leftHigh = (double[])high.Clone();
            leftHigh[f] = Math.Min(high[f], threshold);
            rightLow = (double[])low.Clone();
            rightLow[f] = Math.Max(low[f], threshold);
        }
        CollectLeaves(_tree.Left(node), leftLow, leftHigh, leftCategories);
        CollectLeaves(_tree.Right(node), rightLow, rightHigh, rightCategories);
    }

    static double WeightedVariance(IEnumerable<(double Value, double Weight)> points)
    {
        var list = points.Where(p => p.Weight > 0).ToList();
        var total = list.Sum(p => p.Weight);
        if (total <= 0) return 0;
        var mean = list.Sum(p => p.Weight * p.Value) / total;
        return list.Sum(p => p.Weight * (p.Value - mean) * (p.Value - mean)) / total;
    }
}
