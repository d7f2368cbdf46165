SOMETHING_WENT_WRONG = (
    "Sorry, that didn't work on my side and nothing was changed. Please try again in a moment."
)
