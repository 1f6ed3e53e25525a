"""mldrill: practise and grade the mathematics of machine learning."""

__version__ = "0.1.0"

# The variables that set how many threads a BLAS or OpenMP library starts. mldrill's arrays
# are small (a problem's vectors and matrices, a student's function on test inputs), so a
# thread pool buys nothing; OpenBLAS starts one thread per core when numpy is imported, which
# costs 20-30 ms of every start on a 2-core machine. The command sets them to 1 unless the
# user set them (cli/app.py `main`); the grading sandbox always does (grade/sandbox).
THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
               "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")
