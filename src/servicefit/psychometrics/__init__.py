"""Psychometric scoring engine: pure numpy/scipy, no Django, no file I/O.

Scale scoring (:mod:`.scales`), reliability (:mod:`.reliability`, :mod:`.omega`), norms
(:mod:`.norms`), situational-judgement scoring (:mod:`.sjt`), rater agreement (:mod:`.icc`,
:mod:`.krippendorff`, :mod:`.interviews`), job-profile composites (:mod:`.composite`),
adverse impact (:mod:`.adverse_impact`), criterion validity (:mod:`.validity`), the graded
response model (:mod:`.grm`, :mod:`.calibration`, :mod:`.theta`), adaptive testing
(:mod:`.cat`) and differential item functioning (:mod:`.dif`). Formulas and references are in
each module's docstring and in ``docs/scoring.md``.
"""

from servicefit.psychometrics.adverse_impact import (
    FOUR_FIFTHS,
    AdverseImpactReport,
    GroupCounts,
    ImpactComparison,
    adverse_impact,
    compare_selection,
)
from servicefit.psychometrics.calibration import GrmFit, fit_grm
from servicefit.psychometrics.cat import (
    CatPool,
    CatRules,
    CatSimulation,
    CatStep,
    next_item,
    next_scale_item,
    simulate_cat,
    simulate_responses,
)
from servicefit.psychometrics.composite import (
    CompetencyContribution,
    CompositeExplanation,
    CompositeResult,
    JobProfile,
    ProfileComposite,
    composite_scores,
    profile_composite,
)
from servicefit.psychometrics.dif import DifResult, mantel_haenszel_dif
from servicefit.psychometrics.errors import (
    InsufficientDataError,
    InvalidResponseError,
    KeyMismatchError,
    PsychometricsError,
    ShapeError,
)
from servicefit.psychometrics.fisher import FisherResult, fisher_exact_test
from servicefit.psychometrics.grm import (
    GrmParameters,
    category_probabilities,
    item_information,
    test_information,
)
from servicefit.psychometrics.icc import ICC_TYPES, IccForm, IccResult, intraclass_correlations
from servicefit.psychometrics.interviews import (
    AggregatedRatings,
    RaterDeviation,
    aggregate_ratings,
    rater_deviation,
)
from servicefit.psychometrics.kappa import weighted_kappa, weighted_kappa_from_counts
from servicefit.psychometrics.krippendorff import krippendorff_alpha
from servicefit.psychometrics.norms import (
    NORMS_FORMAT_VERSION,
    Norm,
    NormScores,
    NormTable,
    build_norm,
    build_norm_table,
)
from servicefit.psychometrics.omega import OmegaResult, OneFactorModel, fit_one_factor, omega_total
from servicefit.psychometrics.reliability import (
    AlphaResult,
    cronbach_alpha,
    feldt_interval,
    guttman_lambda6,
)
from servicefit.psychometrics.scales import (
    ScaleDefinition,
    ScaleScores,
    reverse_score,
    score_scale,
    score_scales,
    standard_error_of_measurement,
)
from servicefit.psychometrics.sjt import (
    MostLeastScores,
    SjtItemStatistics,
    SjtScores,
    consensus_choice_key,
    consensus_key,
    score_most_least,
    score_ratings,
    sjt_item_statistics,
)
from servicefit.psychometrics.theta import (
    ThetaEstimates,
    eap_scores,
    map_scores,
    marginal_reliability,
)
from servicefit.psychometrics.validity import (
    SMALL_SAMPLE,
    ValidityResult,
    criterion_validity,
    fisher_z_interval,
    thorndike_case_ii,
)

__all__ = [
    "FOUR_FIFTHS",
    "ICC_TYPES",
    "NORMS_FORMAT_VERSION",
    "SMALL_SAMPLE",
    "AdverseImpactReport",
    "AggregatedRatings",
    "AlphaResult",
    "CatPool",
    "CatRules",
    "CatSimulation",
    "CatStep",
    "CompetencyContribution",
    "CompositeExplanation",
    "CompositeResult",
    "DifResult",
    "FisherResult",
    "GrmFit",
    "GrmParameters",
    "GroupCounts",
    "IccForm",
    "IccResult",
    "ImpactComparison",
    "InsufficientDataError",
    "InvalidResponseError",
    "JobProfile",
    "KeyMismatchError",
    "MostLeastScores",
    "Norm",
    "NormScores",
    "NormTable",
    "OmegaResult",
    "OneFactorModel",
    "ProfileComposite",
    "PsychometricsError",
    "RaterDeviation",
    "ScaleDefinition",
    "ScaleScores",
    "ShapeError",
    "SjtItemStatistics",
    "SjtScores",
    "ThetaEstimates",
    "ValidityResult",
    "adverse_impact",
    "aggregate_ratings",
    "build_norm",
    "build_norm_table",
    "category_probabilities",
    "compare_selection",
    "composite_scores",
    "consensus_choice_key",
    "consensus_key",
    "criterion_validity",
    "cronbach_alpha",
    "eap_scores",
    "feldt_interval",
    "fisher_exact_test",
    "fisher_z_interval",
    "fit_grm",
    "fit_one_factor",
    "guttman_lambda6",
    "intraclass_correlations",
    "item_information",
    "krippendorff_alpha",
    "mantel_haenszel_dif",
    "map_scores",
    "marginal_reliability",
    "next_item",
    "next_scale_item",
    "omega_total",
    "profile_composite",
    "rater_deviation",
    "reverse_score",
    "score_most_least",
    "score_ratings",
    "score_scale",
    "score_scales",
    "simulate_cat",
    "simulate_responses",
    "sjt_item_statistics",
    "standard_error_of_measurement",
    "test_information",
    "thorndike_case_ii",
    "weighted_kappa",
    "weighted_kappa_from_counts",
]
