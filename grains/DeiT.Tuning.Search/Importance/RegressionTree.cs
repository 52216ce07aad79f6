using DeiT.Tuning.Search.Random;

namespace DeiT.Tuning.Search.Importance;

/// <summary>One input column of a regression tree: a number in [Low, High], or a category index in [0, Count).</summary>
public readonly record struct TreeFeature(double Low, double High, int Categories = 0)
{
    public bool IsCategorical => Categories > 0;

    public static TreeFeature Numeric(double low, double high) => new(low, high);

    public static TreeFeature Categorical(int count) => new(0, count, count);
}

/// <summary>
/// A CART regression tree grown on squared error, as scikit-learn's DecisionTreeRegressor with min_samples_split 2 and
/// min_samples_leaf 1: depth first, every feature considered at every node, a numeric split halfway between two
/// consecutive distinct values, the split with the largest decrease of weighted squared error. Features are tried in a
/// random order at every node, the first best kept, so that features splitting a node equally well (with few rows,
/// often several that split it identically) share the splits instead of the first listed taking them all.
/// Categorical features split natively into two sets of categories (categories ordered by their mean target, then the
/// best cut of that order: the optimal two-way partition under squared error); a category absent from a node goes with
/// the heavier side. Sample weights are counts (a bootstrap's multiplicities); rows of weight 0 take no part.
/// </summary>
public sealed class RegressionTree
{
    const double FeatureTolerance = 1e-7;   // scikit-learn's FEATURE_THRESHOLD: closer values are not split apart
    const double PureNode = 2.220446049250313e-16;   // scikit-learn's EPSILON: a node this pure is a leaf

    readonly List<int> _feature = [];
    readonly List<double> _threshold = [];
    readonly List<ulong[]?> _leftCategories = [];
    readonly List<int> _left = [];
    readonly List<int> _right = [];
    readonly List<double> _value = [];

    RegressionTree(IReadOnlyList<TreeFeature> features) => Features = features;

    public IReadOnlyList<TreeFeature> Features { get; }
    public int NodeCount => _value.Count;
    /// <summary>The split feature of a node, or -1 for a leaf.</summary>
    public int Feature(int node) => _feature[node];
    public double Threshold(int node) => _threshold[node];
    public int Left(int node) => _left[node];
    public int Right(int node) => _right[node];
    /// <summary>A leaf's prediction (the weighted mean of its rows' targets); for a split node, that of its rows.</summary>
    public double Value(int node) => _value[node];

    /// <summary>Whether a categorical split sends <paramref name="category"/> to the left child.</summary>
    public bool GoesLeft(int node, int category) => CategorySet.Contains(_leftCategories[node]!, category);

    /// <param name="random">Draws each node's feature order; null: the features' own order.</param>
    public static RegressionTree Fit(IReadOnlyList<TreeFeature> features, double[][] x, double[] y, double[] weights, int maxDepth, Rng? random = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDepth, 1);
        var tree = new RegressionTree(features);
        var rows = Enumerable.Range(0, y.Length).Where(i => weights[i] > 0).ToArray();
        if (rows.Length == 0) throw new ArgumentException("a tree needs at least one row of positive weight", nameof(weights));
        new Grower(tree, x, y, weights, maxDepth, random).Grow(rows, depth: 0);
        return tree;
    }

    /// <summary>A numeric tree given node by node (scikit-learn's layout: feature −1 at leaves), for reference checks.</summary>
    internal static RegressionTree FromNodes(IReadOnlyList<TreeFeature> features,
        IReadOnlyList<int> feature, IReadOnlyList<double> threshold, IReadOnlyList<int> left, IReadOnlyList<int> right, IReadOnlyList<double> value)
    {
        var tree = new RegressionTree(features);
        for (var node = 0; node < value.Count; node++)
        {
            tree.AddNode(value[node]);
            if (feature[node] < 0) continue;
            (tree._feature[node], tree._threshold[node], tree._left[node], tree._right[node]) = (feature[node], threshold[node], left[node], right[node]);
        }
        return tree;
    }

    int AddNode(double value)
    {
        _feature.Add(-1);
        _threshold.Add(double.NaN);
        _leftCategories.Add(null);
        _left.Add(-1);
        _right.Add(-1);
        _value.Add(value);
        return _value.Count - 1;
    }

    sealed class Grower(RegressionTree tree, double[][] x, double[] y, double[] w, int maxDepth, Rng? random)
    {
        readonly record struct Split(int Feature, double Threshold, ulong[]? LeftCategories, double Score);

        public int Grow(int[] rows, int depth)
        {
            double sw = 0, swy = 0, swyy = 0;
            foreach (var i in rows) { sw += w[i]; swy += w[i] * y[i]; swyy += w[i] * y[i] * y[i]; }
            var mean = swy / sw;
            var node = tree.AddNode(mean);
            var impurity = swyy / sw - mean * mean;
            if (depth >= maxDepth || rows.Length < 2 || impurity <= PureNode) return node;

            Split? best = null;
            foreach (var f in FeatureOrder())
            {
                var candidate = tree.Features[f].IsCategorical ? BestCategoricalSplit(rows, f, sw, swy) : BestNumericSplit(rows, f, sw, swy);
                if (candidate is { } c && (best is null || c.Score > best.Value.Score)) best = c;
            }
            if (best is not { } split) return node;   // every feature is constant over these rows

            var goesLeft = rows.ToLookup(i => GoesLeft(split, x[i][split.Feature]));
            var (leftRows, rightRows) = (goesLeft[true].ToArray(), goesLeft[false].ToArray());
            tree._feature[node] = split.Feature;
            tree._threshold[node] = split.Threshold;
            tree._leftCategories[node] = split.LeftCategories;
            var left = Grow(leftRows, depth + 1);
            var right = Grow(rightRows, depth + 1);
            tree._left[node] = left;
            tree._right[node] = right;
            return node;
        }

        int[] FeatureOrder()
        {
            var order = Enumerable.Range(0, tree.Features.Count).ToArray();
            if (random is null) return order;
            for (var i = order.Length - 1; i > 0; i--)
            {
                var j = random.NextInt(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }
            return order;
        }

        static bool GoesLeft(Split split, double value) => split.LeftCategories is { } set
            ? CategorySet.Contains(set, (int)value)
            : value <= split.Threshold;

        /// <summary>Scores are scikit-learn's proxy Σ_left²/w_left + Σ_right²/w_right: larger is a larger error decrease.</summary>
        Split? BestNumericSplit(int[] rows, int f, double sw, double swy)
        {
            var order = rows.OrderBy(i => x[i][f]).ToArray();
            Split? best = null;
            double wl = 0, wyl = 0;
            for (var k = 0; k < order.Length - 1; k++)
            {
                var i = order[k];
                wl += w[i];
                wyl += w[i] * y[i];
                double here = x[i][f], next = x[order[k + 1]][f];
                if (next <= here + FeatureTolerance) continue;
                var score = wyl * wyl / wl + (swy - wyl) * (swy - wyl) / (sw - wl);
                if (best is null || score > best.Value.Score)
                {
                    var threshold = here / 2 + next / 2;
                    if (threshold == next || double.IsInfinity(threshold)) threshold = here;
                    best = new Split(f, threshold, null, score);
                }
            }
            return best;
        }

        Split? BestCategoricalSplit(int[] rows, int f, double sw, double swy)
        {
            var count = tree.Features[f].Categories;
            var weight = new double[count];
            var weighted = new double[count];
            foreach (var i in rows) { var c = (int)x[i][f]; weight[c] += w[i]; weighted[c] += w[i] * y[i]; }
            var present = Enumerable.Range(0, count).Where(c => weight[c] > 0).OrderBy(c => weighted[c] / weight[c]).ToArray();
            Split? best = null;
            var bestCut = 0;
            double wl = 0, wyl = 0;
            for (var k = 0; k < present.Length - 1; k++)
            {
                wl += weight[present[k]];
                wyl += weighted[present[k]];
                var score = wyl * wyl / wl + (swy - wyl) * (swy - wyl) / (sw - wl);
                if (best is null || score > best.Value.Score) { best = new Split(f, double.NaN, null, score); bestCut = k + 1; }
            }
            if (best is not { } split) return null;
            var leftSet = present[..bestCut];
            var leftWeight = leftSet.Sum(c => weight[c]);
            var set = CategorySet.Empty(count);
            foreach (var c in leftSet) CategorySet.Add(set, c);
            if (leftWeight >= sw - leftWeight)   // categories no row here has follow the heavier side
                foreach (var c in Enumerable.Range(0, count).Where(c => weight[c] == 0)) CategorySet.Add(set, c);
            return split with { LeftCategories = set };
        }
    }
}
