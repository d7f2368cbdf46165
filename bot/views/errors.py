SOMETHING_WENT_WRONG = (
    "Sorry, that didn't work on my side and nothing was changed. Please try again in a moment."
)

# A form whose answer could not be kept: it stays open with what the person typed.
NOT_SAVED = (
    "I couldn't save this just now, so nothing was changed. What you typed is still here: "
    "please press Submit again in a moment."
)
