# ruff: noqa: RUF001  (the cards use real mathematical symbols on purpose)
"""The built-in maths-foundations deck for ML research.

Keys are stable: a user's copy of a starter card is matched by key, so editing the
text here never duplicates cards already in someone's deck.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StarterCard:
    key: str
    topic: str
    prompt: str
    answer: str
    kind: str = "qa"


STARTER_CARDS: tuple[StarterCard, ...] = (
    # Linear algebra
    StarterCard(
        "la-rank-nullity",
        "linear_algebra",
        "State the rank–nullity theorem for a linear map A: ℝⁿ → ℝᵐ.",
        "rank(A) + dim null(A) = n.",
    ),
    StarterCard(
        "la-svd",
        "linear_algebra",
        "What is the singular value decomposition of a real m×n matrix A?",
        "A = U Σ Vᵀ with U (m×m) and V (n×n) orthogonal and Σ diagonal with non-negative "
        "singular values; the best rank-k approximation keeps the k largest (Eckart–Young).",
    ),
    StarterCard(
        "la-psd",
        "linear_algebra",
        "Give two equivalent characterisations of a symmetric positive semi-definite matrix.",
        "xᵀAx ≥ 0 for all x; all eigenvalues are ≥ 0; A = BᵀB for some B.",
    ),
    StarterCard(
        "la-strang-ch6",
        "linear_algebra",
        "Review chapter 6 (eigenvalues and eigenvectors) of Strang, *Introduction to Linear "
        "Algebra*, and redo two exercises.",
        "",
        "task",
    ),
    # Probability
    StarterCard(
        "pr-bayes",
        "probability",
        "Write Bayes' rule for a parameter θ given data D, naming each term.",
        r"$$p(\theta \mid D) = \frac{p(D \mid \theta)\, p(\theta)}{p(D)}$$"
        "\n\nPosterior = likelihood × prior / evidence.",
    ),
    StarterCard(
        "pr-total-variance",
        "probability",
        "State the law of total variance.",
        "Var(X) = E[Var(X|Y)] + Var(E[X|Y]).",
    ),
    StarterCard(
        "pr-gaussian-conditional",
        "probability",
        "For a joint Gaussian (x, y), what is the mean of x | y?",
        r"$\mu_x + \Sigma_{xy} \Sigma_{yy}^{-1} (y - \mu_y)$.",
    ),
    # Statistics
    StarterCard(
        "st-bias-variance",
        "statistics",
        "Re-derive the bias–variance decomposition of the expected squared error.",
        "E[(y − f̂(x))²] = bias² + variance + irreducible noise σ².",
        "task",
    ),
    StarterCard(
        "st-mle-consistency",
        "statistics",
        "What are the asymptotic properties of the maximum-likelihood estimator under "
        "regularity conditions?",
        "Consistent, asymptotically normal with covariance the inverse Fisher information, "
        "and asymptotically efficient.",
    ),
    StarterCard(
        "st-pvalue",
        "statistics",
        "What does a p-value of 0.03 mean — and what does it not mean?",
        "If the null hypothesis were true, data at least this extreme would occur 3% of the "
        "time. It is not the probability that the null is true.",
    ),
    # Calculus
    StarterCard(
        "ca-chain-rule",
        "calculus",
        "Write the multivariate chain rule for f(g(x)) with g: ℝⁿ → ℝᵐ, f: ℝᵐ → ℝ.",
        "∇ₓ f(g(x)) = J_g(x)ᵀ ∇f(g(x)) — the basis of backpropagation.",
    ),
    StarterCard(
        "ca-taylor",
        "calculus",
        "Second-order Taylor expansion of f around x.",
        r"$$f(x + \delta) \approx f(x) + \nabla f(x)^\top \delta "
        r"+ \frac{1}{2} \delta^\top H(x)\, \delta$$",
    ),
    # Optimisation
    StarterCard(
        "op-convex",
        "optimisation",
        "Why does every local minimum of a convex function equal its global minimum?",
        "If x were local but f(y) < f(x), convexity gives f on the segment toward y below "
        "f(x) arbitrarily close to x — a contradiction.",
    ),
    StarterCard(
        "op-sgd-rate",
        "optimisation",
        "What convergence rate does SGD achieve on a convex L-Lipschitz objective with a "
        "decaying step size?",
        r"$O(1/\sqrt{T})$ for the averaged iterate; $O(1/T)$ under strong convexity.",
    ),
    StarterCard(
        "op-kkt",
        "optimisation",
        "List the KKT conditions.",
        "Stationarity, primal feasibility, dual feasibility (λ ≥ 0), complementary "
        "slackness (λᵢ gᵢ(x) = 0).",
    ),
    # Information theory
    StarterCard(
        "it-kl",
        "information_theory",
        "Define the KL divergence KL(p‖q) and state two of its properties.",
        r"$$\mathrm{KL}(p \parallel q) = \sum_x p(x) \log \frac{p(x)}{q(x)}$$"
        "\n\nNon-negative (Gibbs), zero iff p = q, not symmetric.",
    ),
    StarterCard(
        "it-cross-entropy",
        "information_theory",
        "Relate cross-entropy, entropy and KL divergence.",
        "H(p, q) = H(p) + KL(p‖q); minimising cross-entropy in q minimises KL.",
    ),
    StarterCard(
        "it-mutual-info",
        "information_theory",
        "Define mutual information in terms of entropies.",
        "I(X;Y) = H(X) − H(X|Y) = KL(p(x,y) ‖ p(x)p(y)).",
    ),
    # Learning theory
    StarterCard(
        "lt-vc",
        "learning_theory",
        "What is the VC dimension of linear classifiers (with bias) in ℝᵈ?",
        "d + 1.",
    ),
    StarterCard(
        "lt-hoeffding",
        "learning_theory",
        "State Hoeffding's inequality for the mean of n i.i.d. variables in [0, 1].",
        r"$P(|\bar{X} - \mathbb{E}\bar{X}| \geq t) \leq 2 \exp(-2 n t^2)$.",
    ),
    StarterCard(
        "lt-shalev-ch2",
        "learning_theory",
        "Review chapter 2 (a gentle start: ERM and PAC) of Shalev-Shwartz & Ben-David, "
        "*Understanding Machine Learning*.",
        "",
        "task",
    ),
)
